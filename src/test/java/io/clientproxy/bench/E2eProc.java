package io.clientproxy.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of processes and of the whole machine from /proc (Linux): {@code utime + stime} of
 * {@code /proc/<pid>/stat} (all threads of the process, in clock ticks) and the busy time of all
 * CPUs together from the first line of {@code /proc/stat}.
 */
final class E2eProc {
    /** Clock ticks per second ({@code getconf CLK_TCK}); 100 on every Linux this runs on, read once. */
    static final long CLK_TCK = clockTicks();

    private E2eProc() {
    }

    /** utime + stime of the process in clock ticks, or -1 when it is gone. */
    static long cpuTicks(long pid) {
        return cpuTicks(Path.of("/proc/" + pid + "/stat"));
    }

    /** stime alone (CPU time in the kernel on the process's behalf: syscalls, loopback TCP), or -1. */
    static long sysTicks(long pid) {
        long[] t = times(Path.of("/proc/" + pid + "/stat"));
        return t == null ? -1 : t[1];
    }

    /** utime + stime of this JVM in clock ticks (the load generator: senders and bots). */
    static long selfCpuTicks() {
        return cpuTicks(Path.of("/proc/self/stat"));
    }

    private static long cpuTicks(Path stat) {
        long[] t = times(stat);
        return t == null ? -1 : t[0] + t[1];
    }

    /** {utime, stime} in clock ticks, or null. */
    private static long[] times(Path stat) {
        try {
            String s = Files.readString(stat, StandardCharsets.US_ASCII);
            // The command name (field 2) is in parentheses and may contain spaces: count from the last ')'.
            String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
            // f[0] is field 3 (state); utime is field 14, stime field 15.
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** CPU ticks (utime + stime) of each thread of the process by thread name ({@code comm}, 15 characters), summed. */
    static java.util.Map<String, Long> threadTicks(long pid) {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                long t = cpuTicks(task.resolve("stat"));
                if (t < 0) {
                    continue;
                }
                String name;
                try {
                    name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim();
                } catch (IOException e) {
                    continue;
                }
                // Numbered pool threads together: "GC Thread#0", "C2 CompilerThre" ...
                name = name.replaceAll("#\\d+$", "#*").replaceAll("\\d+$", "*");
                out.merge(name, t, Long::sum);
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return out;
    }

    /** Busy time of all CPUs together (everything but idle and iowait), in clock ticks. */
    static long machineBusyTicks() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
            String[] f = line.trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static double ticksToMicros(long ticks) {
        return ticks * 1_000_000.0 / CLK_TCK;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
