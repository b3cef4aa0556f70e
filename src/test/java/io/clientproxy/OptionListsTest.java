package io.clientproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clientproxy.standalone.ConfigOption;
import io.clientproxy.tigase.ClientProxyComponent;
import java.io.Reader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tigase.kernel.beans.config.ConfigField;

/**
 * The options as the code has them (the {@code @ConfigField} aliases of the Tigase component and
 * their field defaults; the standalone {@link ConfigOption}s) against what an operator reads:
 * {@code etc/config.tdsl}, {@code etc/proxy.conf} and the options tables (README.md: the bean's;
 * docs/standalone.md: the standalone mode's own). A new option that
 * is not written down in all of them, or a default that differs, fails here.
 */
class OptionListsTest {
    /** A row of a README table: {@code | `key` | default | meaning |}. */
    private static final Pattern README_ROW = Pattern.compile("^\\| `([a-z-]+)` \\| ([^|]*) \\|", Pattern.MULTILINE);
    /** {@code 'key' = value} in config.tdsl, possibly commented out ({@code # 'key' = value}). */
    private static final Pattern TDSL_LINE = Pattern.compile("^\\s*(#\\s*)?'([a-z-]+)'\\s*=\\s*(.*?)\\s*$", Pattern.MULTILINE);

    /** Alias to default as config.tdsl writes it (null: no default), in declaration order. */
    private static Map<String, String> tigaseOptions() throws Exception {
        ClientProxyComponent fresh = new ClientProxyComponent();
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : ClientProxyComponent.class.getDeclaredFields()) {
            ConfigField cf = f.getAnnotation(ConfigField.class);
            if (cf != null) {
                f.setAccessible(true);
                out.put(cf.alias(), tdsl(f.get(fresh)));
            }
        }
        assertTrue(out.size() >= 20, "found the @ConfigFields: " + out.keySet());
        return out;
    }

    private static String tdsl(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String || value instanceof Duration) {
            return "'" + value + "'";
        }
        if (value instanceof String[] list) {
            return list.length == 0 ? "[]" : "[ '" + String.join("', '", list) + "' ]";
        }
        return String.valueOf(value);
    }

    private static String read(String file) throws Exception {
        return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    }

    @Test
    void configTdslHasEveryTigaseOptionWithItsDefault() throws Exception {
        Map<String, String> written = new LinkedHashMap<>();
        Map<String, Boolean> commented = new LinkedHashMap<>();
        Matcher m = TDSL_LINE.matcher(read("etc/config.tdsl"));
        while (m.find()) {
            written.put(m.group(2), m.group(3));
            commented.put(m.group(2), m.group(1) != null);
        }
        Map<String, String> options = tigaseOptions();
        List<String> problems = new ArrayList<>();
        options.forEach((key, defaultValue) -> {
            if (!written.containsKey(key)) {
                problems.add(key + " is missing");
            } else if (defaultValue == null) {
                // Required (target-address) or derived (proxy-address): an example, not a default.
                if (!key.equals("target-address") && !commented.get(key)) {
                    problems.add(key + " has no fixed default, so its example must be commented out");
                }
            } else if (!defaultValue.equals(written.get(key))) {
                problems.add(key + " shows " + written.get(key) + ", the default is " + defaultValue);
            }
        });
        written.keySet().stream().filter(k -> !options.containsKey(k))
                .forEach(k -> problems.add(k + " is not an option of the component"));
        assertEquals(List.of(), problems, "etc/config.tdsl against ClientProxyComponent's @ConfigFields");
    }

    @Test
    void proxyConfHasEveryStandaloneOptionWithItsDefault() throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("etc/proxy.conf"), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        List<String> problems = new ArrayList<>();
        for (ConfigOption o : ConfigOption.values()) {
            String written = p.getProperty(o.key());
            if (written == null) {
                problems.add(o.key() + " is missing");
            } else if (!o.isRequired() && !o.defaultValue().equals(written.trim())) {
                problems.add(o.key() + " shows '" + written.trim() + "', the default is '" + o.defaultValue() + "'");
            }
        }
        for (String key : p.stringPropertyNames()) {
            if (ConfigOption.byKey(key) == null) {
                problems.add(key + " is not an option");
            }
        }
        assertEquals(List.of(), problems, "etc/proxy.conf against ConfigOption");
    }

    @Test
    void readmeTablesHaveEveryOptionWithItsDefault() throws Exception {
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = README_ROW.matcher(read("README.md") + read("docs/standalone.md"));
        while (m.find()) {
            rows.put(m.group(1), m.group(2));
        }
        List<String> problems = new ArrayList<>();
        tigaseOptions().forEach((key, defaultValue) -> {
            String cell = rows.get(key);
            if (cell == null) {
                problems.add(key + " (Tigase) is missing");
            } else if (defaultValue != null && !cell.contains("`" + defaultValue + "`")) {
                problems.add(key + ": the table says " + cell + ", the default is " + defaultValue);
            }
        });
        for (ConfigOption o : ConfigOption.values()) {
            String cell = rows.get(o.key());
            if (cell == null) {
                problems.add(o.key() + " (standalone) is missing");
            } else if (!o.isRequired() && !o.defaultValue().isEmpty() && !cell.contains(o.defaultValue())) {
                problems.add(o.key() + ": the table says " + cell + ", the default is " + o.defaultValue());
            }
        }
        assertEquals(List.of(), problems, "the options tables of README.md and docs/standalone.md against the code");
    }

    @Test
    void everyOptionOfOneModeExistsInTheOther() throws Exception {
        // README: "The routing options are those of the Tigase bean, with the same names".
        TreeSet<String> tigase = new TreeSet<>(tigaseOptions().keySet());
        TreeSet<String> standalone = new TreeSet<>();
        for (ConfigOption o : ConfigOption.values()) {
            standalone.add(o.key());
        }
        TreeSet<String> missing = new TreeSet<>(tigase);
        missing.removeAll(standalone);
        // Runs a command of Tigase's own session manager: nothing like it exists over XEP-0114.
        missing.remove("approve-in-roster");
        assertEquals(new TreeSet<>(), missing, "options of the Tigase component the standalone mode lacks");
    }
}
