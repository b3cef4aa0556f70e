#!/usr/bin/env python3
"""A service bot behind tigase-client-proxy, with slixmpp (docs/bots.md walks through it).

    python3 hello_bot.py <bot JID> <password> <component address>
                         [--host H] [--port P] [--resource R] [--priority N] [--no-tls]

It answers <hello xmlns='urn:example:hello'>Ada</hello> gets with "Hello, Ada!" and an empty name
with bad-request. Every request reaches it from <component address>/<encoded sender>; it answers
to exactly that address. Debian: apt-get install python3-slixmpp.
"""
import argparse
import signal

import slixmpp
from slixmpp import JID
from slixmpp.stanza import Iq
from slixmpp.xmlstream import ElementBase, register_stanza_plugin
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import StanzaPath


class Hello(ElementBase):
    """<hello xmlns='urn:example:hello'>text</hello>"""
    name = 'hello'
    namespace = 'urn:example:hello'
    plugin_attrib = 'hello'
    interfaces = {'text'}

    def get_text(self):
        return self.xml.text or ''

    def set_text(self, value):
        self.xml.text = value


class HelloBot(slixmpp.ClientXMPP):
    def __init__(self, jid, password, proxy, priority):
        super().__init__(jid, password)
        self.proxy = JID(proxy).bare
        self.priority = priority
        # 1. Accept the presence subscription from the component's address, and only from it:
        #    without it the proxy never learns that this resource is online.
        self.roster.auto_authorize = None  # decide in on_subscribe
        self.roster.auto_subscribe = False
        self.add_event_handler('presence_subscribe', self.on_subscribe)
        self.add_event_handler('session_start', self.on_start)
        # 2. Answer every request, to its 'from', with its id: a result or an error.
        register_stanza_plugin(Iq, Hello)
        self.register_handler(Callback('hello', StanzaPath('iq@type=get/hello'), self.on_hello))
        self.register_plugin('xep_0199')  # answers urn:xmpp:ping (what --check sends)

    def on_subscribe(self, presence):
        ours = presence['from'].bare == self.proxy
        print(f"hello-bot: subscription request from {presence['from']}: {'approved' if ours else 'denied'}", flush=True)
        self.send_presence(pto=presence['from'].bare, ptype='subscribed' if ours else 'unsubscribed')

    async def on_start(self, event):
        await self.get_roster()
        # Printed before the presence goes out, so always before the subscription request, which
        # the server delivers once this resource is available.
        print(f"hello-bot: online as {self.boundjid}, serving requests from {self.proxy}", flush=True)
        # 3. Be available. Without available presence the proxy sends this resource nothing.
        self.send_presence(ppriority=self.priority)

    def on_hello(self, iq):
        # In opaque mode 'from' is <component>/<token>: the same token for the same sender while
        # it keeps asking, and nothing about who it is. In transparent mode the resource is the
        # sender's full JID.
        name = iq['hello']['text'].strip()
        print(f"hello-bot: '{name}' from {iq['from']}", flush=True)
        if not name:
            # reply() swaps 'to' and 'from' and keeps the id.
            error = iq.reply()
            error['type'] = 'error'
            error['error']['condition'] = 'bad-request'
            error['error']['type'] = 'modify'
            error['error']['text'] = "say who to greet: <hello xmlns='urn:example:hello'>Ada</hello>"
            error.send()
            return
        reply = iq.reply()  # to the request's 'from', same id, type result, payload cleared
        reply['hello']['text'] = f'Hello, {name}!'
        reply.send()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('jid')
    p.add_argument('password')
    p.add_argument('proxy', help="the component's address, e.g. proxy.example.com")
    p.add_argument('--host')
    p.add_argument('--port', type=int, default=5222)
    p.add_argument('--resource', default='hello-bot')
    p.add_argument('--priority', type=int, default=0)
    p.add_argument('--no-tls', action='store_true', help='only for a test server on loopback')
    a = p.parse_args()

    bot = HelloBot(f'{a.jid}/{a.resource}', a.password, a.proxy, a.priority)
    if a.no_tls:
        # Decline STARTTLS even where the server offers it (a test server with a self-signed
        # certificate), and allow PLAIN in the clear: loopback only.
        bot['feature_mechanisms'].unencrypted_plain = True
    bot.connect((a.host, a.port) if a.host else None,
                force_starttls=not a.no_tls, disable_starttls=a.no_tls)
    # SIGTERM: leave cleanly (unavailable presence), so the proxy moves what this resource holds.
    bot.loop.add_signal_handler(signal.SIGTERM, bot.disconnect)
    bot.add_event_handler('disconnected', lambda event: bot.loop.stop())
    bot.loop.run_forever()


if __name__ == '__main__':
    main()
