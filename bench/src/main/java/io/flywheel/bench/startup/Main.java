package io.flywheel.bench.startup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Time from process start to the first lead printed by {@code flywheel run --once} on the demo
 * config (fresh store each time), against the same JVM printing {@code --version}.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        int runs = quick ? 3 : 10;
        Path repo = Path.of(System.getProperty("flywheel.repo"));
        Path home = Path.of(System.getProperty("flywheel.home"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> jvm = List.of(java, "-XX:+UseSerialGC", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-jar", home.resolve("flywheel.jar").toString());
        long[] firstLead = new long[runs];
        long[] total = new long[runs];
        long[] version = new long[runs];
        for (int i = 0; i < runs; i++) {
            Path work = Files.createTempDirectory("flywheel-startup");
            Files.copy(repo.resolve("config.yml"), work.resolve("config.yml"));
            copyTree(repo.resolve("demo"), work.resolve("demo"));
            List<String> run = new ArrayList<>(jvm);
            run.addAll(List.of("run", "--once", "--config", work.resolve("config.yml").toString()));
            long[] t = time(run, home.resolve("plugins"), true);
            firstLead[i] = t[0];
            total[i] = t[1];
            List<String> v = new ArrayList<>(jvm);
            v.add("--version");
            version[i] = time(v, home.resolve("plugins"), false)[1];
        }
        long lead = median(firstLead);
        long all = median(total);
        long ref = median(version);
        System.out.printf(Locale.ROOT, "%-42s %10s%n", "measure (median of " + runs + " runs)", "ms");
        System.out.printf(Locale.ROOT, "%-42s %10d%n", "run --once: process start to first lead", lead / 1_000_000);
        System.out.printf(Locale.ROOT, "%-42s %10d%n", "run --once: process start to exit", all / 1_000_000);
        System.out.printf(Locale.ROOT, "%-42s %10d%n", "reference: --version (JVM + CLI startup)", ref / 1_000_000);
        System.out.printf(Locale.ROOT, "%-42s %10.2f%n", "first lead / reference", (double) lead / ref);
        System.out.printf(Locale.ROOT, "RESULT {\"first_lead_ms\": %d, \"run_once_ms\": %d, \"version_ms\": %d, \"first_lead_vs_version\": %.2f}%n",
                lead / 1_000_000, all / 1_000_000, ref / 1_000_000, (double) lead / ref);
    }

    /** {time to first line starting with a score, time to exit}, in nanoseconds. */
    private static long[] time(List<String> command, Path plugins, boolean expectLead) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("FLYWHEEL_PLUGINS", plugins.toString());
        long start = System.nanoTime();
        Process p = pb.start();
        long first = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (first < 0 && line.matches("^\\s*-?\\d+\\.\\d\\s+\\[.*")) {
                    first = System.nanoTime() - start;
                }
            }
        }
        int exit = p.waitFor();
        long end = System.nanoTime() - start;
        if (exit != 0 || expectLead && first < 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + exit + (first < 0 && expectLead ? " without printing a lead" : ""));
        }
        return new long[] {first, end};
    }

    private static long median(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
