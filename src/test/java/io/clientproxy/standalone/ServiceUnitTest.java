package io.clientproxy.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * etc/tigase-client-proxy.service against the jar's exit statuses: a SIGTERM stop (143, as
 * StandaloneJarIT sees it) is a success, and a configuration error ({@link Main#USAGE}) is not
 * restarted in a loop.
 */
class ServiceUnitTest {
    private static Map<String, String> unit() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        String text = Files.readString(Path.of("etc/tigase-client-proxy.service"), StandardCharsets.UTF_8)
                .replace("\\\n", " ");
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                keys.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return keys;
    }

    @Test
    void exitStatusesMatchTheJar() throws Exception {
        Map<String, String> unit = unit();
        assertEquals("143", unit.get("SuccessExitStatus"));
        assertEquals(String.valueOf(Main.USAGE), unit.get("RestartPreventExitStatus"));
        assertEquals("on-failure", unit.get("Restart"));
    }

    @Test
    void startsTheJarWithItsConfiguration() throws Exception {
        String exec = unit().get("ExecStart");
        assertTrue(exec.matches(".*-jar \\S+\\.jar --config \\S+/proxy\\.conf"), exec);
        assertTrue(exec.contains("-Djava.util.logging.config.file="), exec);
    }
}
