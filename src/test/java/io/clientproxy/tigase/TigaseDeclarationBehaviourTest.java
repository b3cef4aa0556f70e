package io.clientproxy.tigase;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tigase.server.AbstractMessageReceiver;
import tigase.server.ComponentInfo;
import tigase.server.Iq;
import tigase.server.Message;
import tigase.server.Packet;
import tigase.server.Presence;
import tigase.stats.StatisticsList;
import tigase.util.stringprep.TigaseStringprepException;
import tigase.xml.Element;
import tigase.xmpp.Authorization;
import tigase.xmpp.PacketErrorTypeException;
import tigase.xmpp.PacketInvalidAddressException;
import tigase.xmpp.PacketInvalidTypeException;
import tigase.xmpp.StanzaType;
import tigase.xmpp.jid.BareJID;
import tigase.xmpp.jid.JID;

import java.util.List;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pins the behaviours of the compile-time Tigase declaration (src/tigase-api/java) that were taken
 * from the real sources. Each expectation names the real file it comes from: tigase-utils
 * (tigase/xmpp/jid/*.java, tigase/util/stringprep/XMPPStringPrepSimple.java, and its tests
 * src/test/java/tigase/xmpp/BareJIDTest.java and JIDTest.java), tigase-xmltools
 * (tigase/xml/Element.java, CData.java) and tigase-server (tigase/server/*.java, tigase/xmpp/*.java,
 * tigase/stats/*.java).
 */
@SuppressWarnings("deprecation")
class TigaseDeclarationBehaviourTest {

	@Nested
	class JidParsing {

		@Test
		void resourceStartsAtFirstSlashAndMayHoldSlashAndAt() throws TigaseStringprepException {
			// BareJID.parseJID: resource = everything after the first '/', localpart = before the first '@'.
			JID jid = JID.jidInstance("Alice@LocalHost/phone/2@home");
			assertEquals("Alice", jid.getLocalpart());
			assertEquals("localhost", jid.getDomain());
			assertEquals("phone/2@home", jid.getResource());
			assertEquals("Alice@localhost/phone/2@home", jid.toString());

			// An '@' after the first '/' belongs to the resource: "a/b@c" is domain "a".
			JID odd = JID.jidInstance("a/b@c");
			assertNull(odd.getLocalpart());
			assertEquals("a", odd.getDomain());
			assertEquals("b@c", odd.getResource());
		}

		@Test
		void domainIsLowerCasedLocalpartKeepsCaseButComparesIgnoringIt() throws TigaseStringprepException {
			// BareJID constructor lower-cases only the domain; equals/hashCode ignore localpart case
			// (BareJIDTest.testToString / testBareJIDInstance); resources compare case-sensitively
			// (JIDTest.testJIDInstance).
			BareJID upper = BareJID.bareJIDInstance("A@B");
			assertEquals("A@b", upper.toString());
			assertEquals(BareJID.bareJIDInstance("a@b"), upper);
			assertEquals(BareJID.bareJIDInstance("a@b").hashCode(), upper.hashCode());
			assertEquals(JID.jidInstance("a@b/C"), JID.jidInstance("A@B/C"));
			assertNotEquals(JID.jidInstance("a@b/C"), JID.jidInstance("a@b/c"));
			assertNotEquals(JID.jidInstance("a@b"), JID.jidInstance("a@b/c"));
		}

		@Test
		void emptyDomainIsRejectedButTheNsVariantsReturnNull() {
			// BareJID.bareJIDInstance: "Domain part is required!"; bareJIDInstanceNS returns null
			// (BareJIDTest.testEmpty*StringDomain*, JIDTest.testEmpty*StringDomain*).
			assertThrows(TigaseStringprepException.class, () -> JID.jidInstance(""));
			assertThrows(TigaseStringprepException.class, () -> JID.jidInstance("user@"));
			assertThrows(TigaseStringprepException.class, () -> JID.jidInstance("user@/res"));
			assertThrows(TigaseStringprepException.class, () -> JID.jidInstance(null, "", null));
			assertThrows(TigaseStringprepException.class, () -> BareJID.bareJIDInstance(null, " "));
			assertNull(JID.jidInstanceNS(""));
			assertNull(JID.jidInstanceNS(null, "", null));
			assertNull(JID.jidInstanceNS((String) null));
			assertNull(BareJID.bareJIDInstanceNS(""));
		}

		@Test
		void illegalCharactersAreRejectedButLengthIsNotLimited() throws TigaseStringprepException {
			// XMPPStringPrepSimple: [ @&()\[\]\t\n\r\f\a\e] are illegal in localpart and domain;
			// there is no length check and (in tigase-utils 4.x) no trimming.
			assertThrows(TigaseStringprepException.class, () -> JID.jidInstance("a b@c"));
			assertThrows(TigaseStringprepException.class, () -> JID.jidInstance("a@b@c"));
			assertThrows(TigaseStringprepException.class, () -> JID.jidInstance("a@exa mple.com"));
			assertThrows(TigaseStringprepException.class, () -> JID.jidInstance(" a@b"));
			assertEquals("with space ", JID.jidInstance("a@b/with space ").getResource());
			String longPart = "x".repeat(3000);
			JID big = JID.jidInstance(longPart + "@" + longPart + "/" + longPart);
			assertEquals(3000, big.getLocalpart().length());
			assertEquals(3000, big.getDomain().length());
		}

		@Test
		void nsVariantsSkipChecksButStillLowerCaseTheDomain() {
			// JID.jidInstanceNS / BareJID.bareJIDInstanceNS: no stringprep; the BareJID constructor
			// still lower-cases the domain.
			JID jid = JID.jidInstanceNS("bad user@Ex Ample/r");
			assertEquals("bad user", jid.getLocalpart());
			assertEquals("ex ample", jid.getDomain());
			assertEquals("r", jid.getResource());
		}

		@Test
		void emptyResourceIsKeptButNotPrinted() throws TigaseStringprepException {
			// BareJID.toString(BareJID, String) omits an empty resource; JID.equals compares it.
			JID jid = JID.jidInstance("a@b/");
			assertEquals("", jid.getResource());
			assertEquals("a@b", jid.toString());
			assertNotEquals(JID.jidInstance("a@b"), jid);
		}

		@Test
		void copiesKeepTheBareJid() throws TigaseStringprepException {
			// JID.copyWithResource / copyWithResourceNS / copyWithoutResource.
			JID jid = JID.jidInstance("u@d/r");
			assertEquals("u@d/other", jid.copyWithResource("other").toString());
			assertEquals("u@d/x y", jid.copyWithResourceNS("x y").toString());
			assertEquals("u@d", jid.copyWithoutResource().toString());
			assertNull(jid.copyWithoutResource().getResource());
			assertSame(jid.getBareJID(), jid.copyWithoutResource().getBareJID());
		}
	}

	@Nested
	class ElementSerialisation {

		@Test
		void nothingIsEscaped() {
			// Element.toString / CData.toString append stored text as is (the real parser keeps
			// entities escaped, so stored values are expected to be escaped already).
			Element body = new Element("body", "a < b & \"c\"");
			assertEquals("<body>a < b & \"c\"</body>", body.toString());
			Element e = new Element("x", new String[]{"v"}, new String[]{"1\" & <2>"});
			assertEquals("<x v=\"1\" & <2>\"/>", e.toString());
			assertEquals("a &amp; b", new Element("t", "a &amp; b").getCData());
		}

		@Test
		void namespaceIsAnAttribute() {
			// Element.setXMLNS stores "xmlns" as an ordinary attribute.
			Element q = new Element("query");
			q.setXMLNS("jabber:iq:version");
			assertEquals("<query xmlns=\"jabber:iq:version\"/>", q.toString());
			assertEquals("jabber:iq:version", q.getAttributeStaticStr("xmlns"));
			assertEquals("jabber:iq:version", q.getXMLNS());
			q.setXMLNS(null);
			assertEquals("<query/>", q.toString());
			assertNull(q.getXMLNS());
		}

		@Test
		void attributesAreLookedUpByIdentityAndWrittenInIdentityHashOrder() {
			// Element.attributes is an IdentityHashMap with interned keys: getAttributeStaticStr needs
			// an interned name; toString iterates that map, so the order of several attributes is
			// not the insertion order and can change between JVM runs.
			Element iq = new Element("iq", new String[]{"type", "id", "to"}, new String[]{"get", "1", "a@b"});
			assertEquals("a@b", iq.getAttributeStaticStr("to"));
			assertNull(iq.getAttributeStaticStr(new String("to")));
			String xml = iq.toString();
			assertTrue(xml.startsWith("<iq ") && xml.endsWith("/>"), xml);
			for (String att : List.of(" type=\"get\"", " id=\"1\"", " to=\"a@b\"")) {
				assertTrue(xml.contains(att), xml);
			}
			assertEquals(xml, iq.clone().toString(), "a clone keeps the attribute order");
		}

		@Test
		void childrenAndCharacterDataKeepTheirOrder() {
			// Element.childrenToString: children (elements and CData) in insertion order; getChildren
			// leaves out CData and is null when nothing was ever added.
			Element msg = new Element("message");
			assertNull(msg.getChildren());
			msg.addCData("one");
			msg.addChild(new Element("b", "two"));
			msg.addCData("three");
			assertEquals("<message>one<b>two</b>three</message>", msg.toString());
			assertEquals("onethree", msg.getCData());
			assertEquals(1, msg.getChildren().size());
			msg.setCData("ONE");
			assertEquals("<message>ONE<b>two</b>three</message>", msg.toString());
			assertEquals("<message>CData size: 3<b>CData size: 3</b>CData size: 5</message>", msg.toStringSecure());
		}

		@Test
		void cloneIsDeepAndAddChildrenCopies() {
			// Element.clone clones every child; addChildren adds clones.
			Element parent = new Element("p");
			Element child = new Element("c");
			parent.addChild(child);
			Element copy = parent.clone();
			child.setAttribute("changed", "yes");
			assertEquals("<p><c/></p>", copy.toString());
			Element other = new Element("o");
			other.addChildren(List.of(child));
			child.setAttribute("again", "yes");
			assertNull(other.getChild("c").getAttributeStaticStr("again"));
		}
	}

	@Nested
	class PacketParsing {

		@Test
		void packetInstanceMapsElementNamesToClasses() throws TigaseStringprepException {
			// Packet.packetInstance(Element): message/presence/iq by name, Packet otherwise.
			assertInstanceOf(Iq.class, Packet.packetInstance(new Element("iq")));
			assertInstanceOf(Message.class, Packet.packetInstance(new Element("message")));
			assertInstanceOf(Presence.class, Packet.packetInstance(new Element("presence")));
			Packet other = Packet.packetInstance(new Element("handshake"));
			assertSame(Packet.class, other.getClass());
		}

		@Test
		void unknownTypeBecomesNull() throws TigaseStringprepException {
			// Packet.setElem uses StanzaType.valueof, which returns null for unknown names.
			assertSame(StanzaType.get, iq("get").getType());
			assertNull(iq("bogus").getType());
			assertNull(iq("Get").getType());
			assertNull(Packet.packetInstance(new Element("iq")).getType());
			assertNull(StanzaType.valueof("nope"));
		}

		@Test
		void addressesAreParsedAndInvalidOnesThrow() throws TigaseStringprepException {
			// Packet.initVars(): JID.jidInstance on "to"/"from"; missing attribute gives null.
			Packet p = Packet.packetInstance(new Element("message", new String[]{"from", "to", "id"},
			                                             new String[]{"Bob@Example.COM/r", "c.example.com", "m1"}));
			assertEquals("Bob@example.com/r", p.getStanzaFrom().toString());
			assertEquals(JID.jidInstance("c.example.com"), p.getStanzaTo());
			assertEquals("m1", p.getStanzaId());
			assertNull(Packet.packetInstance(new Element("message")).getStanzaFrom());
			assertThrows(TigaseStringprepException.class, () -> Packet.packetInstance(
					new Element("message", new String[]{"from"}, new String[]{"bad jid@x"})));
			assertThrows(TigaseStringprepException.class, () -> Packet.packetInstance(
					new Element("message", new String[]{"to"}, new String[]{"user@"})));
		}

		@Test
		void preParsedJidsWinOverAttributes() {
			// Packet.initVars(JID, JID): null leaves the attribute, non-null overwrites it.
			Element el = new Element("message", new String[]{"from", "to"}, new String[]{"a@b", "c@d"});
			Packet p = Packet.packetInstance(el, null, JID.jidInstanceNS("x@y"));
			assertNull(p.getStanzaFrom());
			assertEquals("a@b", el.getAttributeStaticStr("from"));
			assertEquals("x@y", el.getAttributeStaticStr("to"));
		}

		@Test
		void serviceDiscoIsRecognisedOnIqQuery() throws TigaseStringprepException {
			// Iq.init: serviceDisco if <query/> is in disco#info or disco#items.
			Element iq = new Element("iq", new String[]{"type"}, new String[]{"get"});
			Element query = new Element("query");
			query.setXMLNS("http://jabber.org/protocol/disco#info");
			iq.addChild(query);
			assertTrue(Packet.packetInstance(iq).isServiceDisco());
			assertFalse(iq("get").isServiceDisco());
		}

		@Test
		void okResultSwapsAddressesAndSetsPacketAddresses() throws TigaseStringprepException {
			// Packet.okResult + swapFromTo: same name/xmlns/id, type result, stanza addresses
			// swapped, packetTo = getFrom(), packetFrom = getTo(); originalXML copies child levels.
			Packet req = request();
			Packet res = req.okResult((String) null, 0);
			assertEquals("result", res.getElement().getAttributeStaticStr("type"));
			assertEquals("q1", res.getStanzaId());
			assertEquals(req.getStanzaFrom(), res.getStanzaTo());
			assertEquals(req.getStanzaTo(), res.getStanzaFrom());
			assertEquals(req.getStanzaFrom(), res.getPacketTo());
			assertEquals(req.getStanzaTo(), res.getPacketFrom());
			assertNull(res.getElement().getChildren());
			Packet deep = req.okResult(new Element("extra"), 1);
			Element query = deep.getElement().getChild("query", "jabber:iq:version");
			assertEquals("<query xmlns=\"jabber:iq:version\"><extra/></query>", query.toString());
		}

		@Test
		void copyElementOnlyDropsPacketAddresses() throws TigaseStringprepException {
			// Packet.copyElementOnly: clone of the element, same stanza JIDs, no packetFrom/packetTo.
			Packet req = request();
			req.setPacketFrom(JID.jidInstance("sess@cm/1"));
			Packet copy = req.copyElementOnly();
			assertNull(copy.getPacketFrom());
			assertEquals(req.getStanzaFrom(), copy.getStanzaFrom());
			assertTrue(copy.getElement() != req.getElement());
			assertEquals(req.getElement().toString(), copy.getElement().toString());
		}
	}

	@Nested
	class ErrorResponses {

		@Test
		void itemNotFoundWithOriginalChildrenAndText() throws Exception {
			// Authorization.getResponseMessage -> Packet.errorResult.
			Packet req = request();
			Packet err = Authorization.ITEM_NOT_FOUND.getResponseMessage(req, "No such thing", true);
			Element el = err.getElement();
			assertEquals("iq", el.getName());
			assertEquals("error", el.getAttributeStaticStr("type"));
			assertEquals("q1", el.getAttributeStaticStr("id"));
			assertEquals("jabber:client", el.getXMLNS());
			assertEquals(req.getStanzaFrom(), err.getStanzaTo());
			assertEquals(req.getStanzaTo(), err.getStanzaFrom());
			assertEquals(req.getStanzaFrom(), err.getPacketTo());
			List<Element> children = el.getChildren();
			assertEquals(2, children.size());
			assertEquals("query", children.get(0).getName(), "original children first");
			Element error = children.get(1);
			assertEquals("404", error.getAttributeStaticStr("code"));
			assertEquals("cancel", error.getAttributeStaticStr("type"));
			Element cond = error.getChild("item-not-found", Packet.ERROR_NS);
			assertEquals("<item-not-found xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/>", cond.toString());
			Element text = error.getChild("text", Packet.ERROR_NS);
			assertEquals("en", text.getAttributeStaticStr("xml:lang"));
			assertEquals("No such thing", text.getCData());
			assertSame(StanzaType.error, err.getType());
			assertEquals("item-not-found", err.getErrorCondition());
		}

		@Test
		void withoutOriginalChildrenOrText() throws Exception {
			Packet err = Authorization.SERVICE_UNAVAILABLE.getResponseMessage(request(), null, false);
			List<Element> children = err.getElement().getChildren();
			assertEquals(1, children.size());
			// Two attributes: their order is the identity-hash order, so compare the parts.
			Element error = children.get(0);
			assertEquals("503", error.getAttributeStaticStr("code"));
			assertEquals("cancel", error.getAttributeStaticStr("type"));
			assertEquals(List.of("service-unavailable"),
			             error.getChildren().stream().map(Element::getName).collect(java.util.stream.Collectors.toList()));
			assertNull(error.getChild("text"));
		}

		@Test
		void oddValuesOfTheRealEnum() throws Exception {
			// Authorization.POLICY_VIOLATION: code 0 (still written); UNDEFINED_CONDITION: type
			// "[undefined]"; the text is not escaped by Packet.errorResult.
			Element error = Authorization.POLICY_VIOLATION.getResponseMessage(request(), "a<b", false)
					.getElement().getChild("error");
			assertEquals("0", error.getAttributeStaticStr("code"));
			assertEquals("<text xml:lang=\"en\" xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\">a<b</text>".length(),
			             error.getChild("text").toString().length());
			assertEquals("a<b", error.getChild("text").getCData());
			assertEquals("[undefined]", Authorization.UNDEFINED_CONDITION.getErrorType());
			assertSame(Authorization.FORBIDDEN, Authorization.getByCondition("forbidden"));
			assertEquals("auth", Authorization.FORBIDDEN.getErrorType());
		}

		@Test
		void errorStanzasAreNotAnsweredAndTheAddressIsCheckedFirst() throws Exception {
			// Authorization.getResponseMessage checks Packet.getFrom() first (PacketInvalidAddressException),
			// then the type (PacketInvalidTypeException); both are PacketErrorTypeExceptions.
			Packet errorFromNobody = Packet.packetInstance(new Element("iq", new String[]{"type", "id"},
			                                                           new String[]{"error", "e1"}));
			PacketErrorTypeException noFrom = assertThrows(PacketInvalidAddressException.class,
			                                               () -> Authorization.BAD_REQUEST.getResponseMessage(
					                                               errorFromNobody, "x", true));
			assertTrue(noFrom.getMessage().startsWith("The packet does not have 'from' address, can't generate error "
					                                          + "response: "), noFrom.getMessage());
			Packet error = Packet.packetInstance(new Element("iq", new String[]{"type", "id", "from", "to"},
			                                                 new String[]{"error", "e2", "user@example.com/pc",
					                                                 "proxy.example.com"}));
			PacketErrorTypeException ex = assertThrows(PacketInvalidTypeException.class,
			                                           () -> Authorization.BAD_REQUEST.getResponseMessage(error,
			                                                                                              "x", true));
			assertTrue(ex.getMessage().startsWith("The packet has already 'error' type: "), ex.getMessage());
			Packet requestFromNobody = Packet.packetInstance(new Element("iq", new String[]{"type", "id"},
			                                                             new String[]{"get", "q0"}));
			assertThrows(PacketInvalidAddressException.class,
			             () -> Authorization.AUTHORIZED.getResponseMessage(requestFromNobody, null, true));
			assertThrows(PacketInvalidAddressException.class,
			             () -> Authorization.FORBIDDEN.getResponseMessage(requestFromNobody, null, true));
		}

		@Test
		void authorizedGivesAnOkResult() throws Exception {
			// Authorization.AUTHORIZED overrides getResponseMessage with okResult(text, 0).
			Packet ok = Authorization.AUTHORIZED.getResponseMessage(request(), null, true);
			assertSame(StanzaType.result, ok.getType());
		}
	}

	@Nested
	class ComponentSupport {

		@Test
		void initializeCallsInitializationCompletedAsItsLastStatement() {
			// BasicComponent.initialize(): "initializationCompleted();" is its last statement, so an
			// override runs inside super.initialize(), before the subclass's code after that call.
			List<String> calls = new java.util.ArrayList<>();
			AbstractMessageReceiver comp = new AbstractMessageReceiver() {
				@Override
				public void processPacket(Packet packet) {
				}

				@Override
				public void initialize() {
					calls.add("before super");
					super.initialize();
					calls.add("after super");
				}

				@Override
				public void initializationCompleted() {
					super.initializationCompleted();
					calls.add("initializationCompleted");
				}
			};
			comp.setName("proxy");
			comp.initialize();
			assertEquals(List.of("before super", "initializationCompleted", "after super"), calls);
			assertTrue(comp.isInitializationComplete());
		}

		@Test
		void nodesConnectedAreThisComponentsInstancesAndLeaveThisNodeOut() throws TigaseStringprepException {
			// BasicComponent.initialize() calls nodeConnected(<default host>) first; nodeConnected /
			// nodeDisconnected keep name@node lists and call onNodeConnected / onNodeDisconnected.
			List<JID> events = new java.util.ArrayList<>();
			AbstractMessageReceiver comp = new AbstractMessageReceiver() {
				@Override
				public void processPacket(Packet packet) {
				}

				@Override
				protected void onNodeConnected(JID jid) {
					events.add(jid);
				}

				@Override
				protected void onNodeDisconnected(JID jid) {
					events.add(JID.jidInstanceNS("gone", jid.getDomain(), null));
				}
			};
			comp.setName("proxy");
			comp.initialize();
			JID self = comp.getComponentId();
			assertEquals(List.of(self), events, "this node is registered too");
			assertEquals(List.of(), comp.getNodesConnected());
			assertEquals(List.of(self), comp.getNodesConnectedWithLocal());
			comp.nodeConnected("node2.example.test");
			comp.nodeConnected("node2.example.test");
			assertEquals(List.of(JID.jidInstance("proxy@node2.example.test")), comp.getNodesConnected());
			comp.nodeDisconnected("node2.example.test");
			assertEquals(List.of(self, JID.jidInstance("proxy@node2.example.test"), JID.jidInstance("gone@node2.example.test")),
			             events);
		}

		@Test
		void attributeValuesStayAsWrittenOnTheWire() {
			// The real parser (SimpleParser) stores attribute values with their entities; getAttributeStaticStr
			// returns them unchanged, and a copy keeps them.
			Element iq = new Element("iq", new String[]{"id"}, new String[]{"a&apos;b&amp;c&#39;"});
			assertEquals("a&apos;b&amp;c&#39;", iq.getAttributeStaticStr("id"));
			assertEquals("a&apos;b&amp;c&#39;", iq.clone().getAttributeStaticStr("id"));
			assertEquals("<iq id=\"a&apos;b&amp;c&#39;\"/>", iq.toString());
		}

		@Test
		void statisticsDropZeroValuesUnlessFinest() {
			// StatisticsList.addEntry/checkLevel + StatRecord.nonZero (value > 0).
			StatisticsList info = new StatisticsList(Level.INFO);
			assertTrue(info.add("c", "five", 5L, Level.INFO));
			assertFalse(info.add("c", "zero", 0L, Level.INFO));
			assertFalse(info.add("c", "negative", -3L, Level.INFO));
			assertFalse(info.add("c", "too fine", 9L, Level.FINE));
			assertEquals(5L, info.getValue("c", "five", -7L));
			assertEquals(-7L, info.getValue("c", "zero", -7L));
			StatisticsList all = new StatisticsList(Level.ALL);
			assertTrue(all.add("c", "zero", 0L, Level.INFO));
			assertEquals(0L, all.getValue("c", "zero", -7L));
		}

		@Test
		void statisticsGettersAreTyped() {
			// StatRecord: only the getter of the stored type has the value; others return -1.
			StatisticsList list = new StatisticsList(Level.ALL);
			list.add("c", "ints", 4, Level.INFO);
			list.add("c", "longs", 4L, Level.INFO);
			assertEquals(-1L, list.getValue("c", "ints", 0L));
			assertEquals(4, list.getValue("c", "ints", 0));
			assertEquals(-1, list.getValue("c", "longs", 0));
			assertEquals("4", list.getValue("c", "longs", (String) null));
			assertEquals(2, countRecords(list));
		}

		@Test
		void componentInfoFormat() {
			// ComponentInfo.toString; the four-argument constructor ignores the name.
			assertEquals("componentInfo{Title=T, Version=1.0, Class=x.Y}",
			             new ComponentInfo("name", "T", "1.0", "x.Y").toString());
			assertEquals("n :: componentInfo{Class=x.Y}",
			             new ComponentInfo("n", "", "", "x.Y", new java.util.HashMap<>()).toString());
		}

		@Test
		void hashCodeForPacketUsesPacketToThenStanzaToBareJid() throws TigaseStringprepException {
			// AbstractMessageReceiver.hashCodeForPacket.
			AbstractMessageReceiver comp = new AbstractMessageReceiver() {
				@Override
				public void processPacket(Packet packet) {
				}
			};
			comp.setCompId(JID.jidInstance("proxy@localhost"));
			Packet p = request();
			assertEquals(p.getStanzaTo().getBareJID().hashCode(), comp.hashCodeForPacket(p));
			p.setPacketTo(JID.jidInstance("sess-man@localhost"));
			assertEquals(JID.jidInstance("sess-man@localhost").hashCode(), comp.hashCodeForPacket(p));
			p.setPacketTo(JID.jidInstance("proxy@localhost"));
			assertEquals(p.getStanzaTo().getBareJID().hashCode(), comp.hashCodeForPacket(p));
			assertEquals(1, comp.hashCodeForPacket(Packet.packetInstance(new Element("iq"), null, null)));
			comp.setName("proxy");
			assertEquals("proxy", comp.getComponentId().getLocalpart());
			// AbstractMessageReceiver.newPacketId: prefix + "-" + a random UUID (not the name and a counter).
			String uuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
			String withPrefix = comp.newPacketId("pre");
			assertTrue(withPrefix.matches("pre-" + uuid), withPrefix);
			assertTrue(comp.newPacketId(null).matches(uuid));
			assertNotEquals(withPrefix, comp.newPacketId("pre"));
		}

		private int countRecords(StatisticsList list) {
			int n = 0;
			for (Object ignored : list) {
				n++;
			}
			return n;
		}
	}

	private static Packet iq(String type) throws TigaseStringprepException {
		return Packet.packetInstance(new Element("iq", new String[]{"type"}, new String[]{type}));
	}

	/** {@code <iq xmlns="jabber:client" type="get" id="q1" from="user@example.com/pc" to="proxy.example.com">
	 * <query xmlns="jabber:iq:version"/></iq>} */
	private static Packet request() throws TigaseStringprepException {
		Element iq = new Element("iq", new String[]{"type", "id", "from", "to"},
		                         new String[]{"get", "q1", "user@example.com/pc", "proxy.example.com"});
		iq.setXMLNS("jabber:client");
		Element query = new Element("query");
		query.setXMLNS("jabber:iq:version");
		iq.addChild(query);
		return Packet.packetInstance(iq);
	}
}
