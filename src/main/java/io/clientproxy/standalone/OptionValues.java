package io.clientproxy.standalone;

import io.clientproxy.core.InvalidSettingException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Raw option text, read as typed values. Every failure is an {@link InvalidSettingException}
 * that names the key and the value as written, so that an operator sees at once what to fix.
 * Values are trimmed: trailing blanks in a properties file are invisible and never meant.
 */
final class OptionValues {
    private final Map<String, String> raw;

    OptionValues(Map<String, String> raw) {
        this.raw = raw;
    }

    boolean has(String key) {
        return raw.get(key) != null;
    }

    /** The trimmed text, or null when absent. */
    String text(String key) {
        String v = raw.get(key);
        return v == null ? null : v.trim();
    }

    String text(String key, String defaultValue) {
        return has(key) ? text(key) : defaultValue;
    }

    String required(String key, String what) {
        String v = text(key);
        if (v == null || v.isEmpty()) {
            throw new InvalidSettingException(key, v, "required: " + what);
        }
        return v;
    }

    Duration duration(String key, Duration defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        try {
            return Duration.parse(text(key));
        } catch (DateTimeParseException e) {
            throw new InvalidSettingException(key, raw.get(key), "must be an ISO-8601 duration such as PT30S, PT5M or PT1H");
        }
    }

    /** A duration that must be longer than zero. */
    Duration positiveDuration(String key, Duration defaultValue) {
        Duration d = duration(key, defaultValue);
        if (d.isNegative() || d.isZero()) {
            throw new InvalidSettingException(key, raw.get(key), "must be a positive ISO-8601 duration such as PT30S");
        }
        return d;
    }

    /** A duration of zero or more. */
    Duration nonNegativeDuration(String key, Duration defaultValue, String zeroMeans) {
        Duration d = duration(key, defaultValue);
        if (d.isNegative()) {
            throw new InvalidSettingException(key, raw.get(key), "must be an ISO-8601 duration such as PT60S, or PT0S " + zeroMeans);
        }
        return d;
    }

    int integer(String key, int defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(text(key));
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(key, raw.get(key), "must be a whole number");
        }
    }

    double decimal(String key, double defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(text(key));
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(key, raw.get(key), "must be a number such as 5 or 0.5");
        }
    }

    boolean bool(String key, boolean defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        return switch (text(key)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidSettingException(key, raw.get(key), "must be true or false");
        };
    }

    /** Items separated by commas and/or blanks; empty when absent. */
    List<String> list(String key) {
        List<String> out = new ArrayList<>();
        if (has(key)) {
            for (String item : text(key).split("[,\\s]+")) {
                if (!item.isEmpty()) {
                    out.add(item);
                }
            }
        }
        return out;
    }
}
