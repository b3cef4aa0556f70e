package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the reading thread sends while handling what it read is written in batches, and never held back. */
@Timeout(20)
class ComponentStreamBatchingTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static XmlElement reply(XmlElement iq) {
        return XmlElement.builder("iq").attribute("type", "result").attribute("id", iq.attribute("id"))
                .attribute("to", iq.attribute("from")).build();
    }

    @Test
    void answersToABurstAllArriveInOrderAndALoneAnswerIsNotHeldBack() throws Exception {
        try (FakeComponentServer server = new FakeComponentServer("pw")) {
            ComponentStream stream = new ComponentStream("127.0.0.1", server.port());
            stream.open("proxy.localhost", "pw", WAIT);
            FakeComponentServer.Session session = server.nextSession(WAIT);
            AtomicReference<Exception> failed = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    stream.read(iq -> {
                        try {
                            stream.send(reply(iq));
                        } catch (IOException e) {
                            failed.set(e);
                        }
                    });
                } catch (IOException e) {
                    failed.compareAndSet(null, e);
                }
            });
            reader.start();

            // One request, nothing after it: the answer must go out although no more input comes.
            session.send("<iq type='get' id='lone' from='a@b/c'><q xmlns='urn:x'/></iq>");
            assertEquals("lone", session.next(WAIT).attribute("id"));

            // A burst in one write: many answers, possibly in few writes, all in order.
            StringBuilder burst = new StringBuilder();
            int n = 500; // some 25 kB of answers: more than one batch
            for (int i = 0; i < n; i++) {
                burst.append("<iq type='get' id='r").append(i).append("' from='a@b/c").append(i % 7)
                        .append("'><q xmlns='urn:x'/></iq>");
            }
            session.send(burst.toString());
            for (int i = 0; i < n; i++) {
                XmlElement got = session.next(WAIT);
                assertEquals("r" + i, got.attribute("id"));
                assertEquals("a@b/c" + (i % 7), got.attribute("to"));
            }

            // Another thread's stanza goes out at once while the reader waits.
            stream.send(XmlElement.parse("<presence to='bot@localhost' type='probe'/>"));
            assertEquals("probe", session.next(WAIT).attribute("type"));

            session.closeStream();
            reader.join(WAIT.toMillis());
            assertEquals(null, failed.get());
            stream.closeStream(WAIT);
            assertTrue(session.ended(WAIT));
            stream.close();
        }
    }

    @Test
    void aBatchWhoseWriteFailsIsHandedBackAsUnsent() throws Exception {
        try (FakeComponentServer server = new FakeComponentServer("pw")) {
            List<XmlElement> unsent = new CopyOnWriteArrayList<>();
            ComponentStream stream = new ComponentStream("127.0.0.1", server.port(), unsent::add);
            stream.open("proxy.localhost", "pw", WAIT);
            FakeComponentServer.Session session = server.nextSession(WAIT);
            AtomicReference<IOException> ended = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    stream.read(iq -> {
                        try {
                            stream.send(reply(iq)); // batched: on the reading thread
                            // The server is gone before the batch is written.
                            session.drop();
                            Thread.sleep(300);
                        } catch (IOException | InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                } catch (IOException e) {
                    ended.set(e);
                }
            });
            reader.start();
            session.send("<iq type='get' id='doomed' from='a@b/c'><q xmlns='urn:x'/></iq>");
            reader.join(WAIT.toMillis());
            assertNotNull(ended.get(), "the reader sees the broken connection");
            assertEquals(1, unsent.size(), "the answer in the failed batch is handed back");
            assertEquals("doomed", unsent.get(0).attribute("id"));
            stream.abort();
        }
    }
}
