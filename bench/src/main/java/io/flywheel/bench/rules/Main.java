package io.flywheel.bench.rules;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The default lead-score.js against the same logic in Java ({@code KeywordScorer}) over 100,000
 * realistic leads and 50 keywords, in leads per second after warm-up (JMH), on the optimizing
 * runtime (the Graal compiler on the upgrade module path, as ./flywheel runs it) and on the
 * interpreter; the same ratio with Java and the rule measured in turn in one JVM ({@link InTurn});
 * and the time from process start to the first lead scored by the rule.
 */
public final class Main {
    private static final int IN_TURN_ROUNDS = 26;
    private static final int IN_TURN_WARMUP = 10;

    private Main() {}

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        Path repo = Path.of(System.getProperty("flywheel.repo"));
        Path jvmci = Path.of(System.getProperty("flywheel.home")).resolve("jvmci");
        if (!Files.isDirectory(jvmci)) {
            throw new IllegalStateException(jvmci + " is missing: build the distribution (bench/run does)");
        }
        List<String> optimized = List.of("-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI", "--upgrade-module-path=" + jvmci);
        List<String> common = List.of("-Dflywheel.repo=" + repo, "-Xms1g", "-Xmx1g");

        int starts = quick ? 1 : 5;
        long firstOptimized = firstScore(optimized, common, starts);
        Long firstInterpreted = quick ? null : firstScore(List.of(), common, starts);

        // Truffle compiles the rule in the background, which on a busy 2-core machine takes tens of
        // seconds: the optimizing runtime gets a long warm-up. --quick (a check that it all runs,
        // within a minute) measures only the two rows of the ratio, after a short warm-up, and no
        // interpreter rows.
        Map<String, Figures> opt = quick ? throughput(concat(optimized, common), List.of("java", "js"), 5, 1, 1, 1)
                : throughput(concat(optimized, common), List.of("java", "js", "js-per-lead", "js-empty", "layout"), 30, 2, 5, 2);
        Map<String, Figures> interp = quick ? new LinkedHashMap<>() : throughput(common, List.of("java", "js"), 5, 2, 5, 2);

        // The ratio again with the rows measured in turn in one JVM (full run only: it takes over a minute).
        Map<String, Double> inTurn = quick ? Map.of() : inTurn(concat(optimized, common), IN_TURN_ROUNDS, IN_TURN_WARMUP);

        Figures java = opt.get("java");
        Figures js = opt.get("js");
        System.out.println();
        System.out.printf(Locale.ROOT, "%-62s %14s %10s %12s%n", "lead-score over 100,000 leads, 50 keywords (JMH)", "leads/s", "ns/lead", "CPU ns/lead");
        row("Java (KeywordScorer), JVM with the optimizing JS runtime", java);
        row("lead-score.js scoreBatch(batch), optimizing runtime", js);
        row("previous lead-score.js score(leads, weights), optimizing", opt.get("js-per-lead"));
        row("rule returning zeros (batch layout, hand-off, checks)", opt.get("js-empty"));
        row("batch layout alone (Java side, no JavaScript)", opt.get("layout"));
        row("Java (KeywordScorer), plain JVM", interp.get("java"));
        row("lead-score.js, interpreter (no Graal compiler)", interp.get("js"));
        double ratio = js.leadsPerSecond() / java.leadsPerSecond();
        double cpuRatio = java.cpuNanosPerLead() / js.cpuNanosPerLead();
        System.out.printf(Locale.ROOT, "%-62s %14.2f%n", "JS / Java, optimizing (leads per second)", ratio);
        System.out.printf(Locale.ROOT, "%-62s %14.2f%n", "JS / Java, optimizing (per CPU second: Java CPU/lead / JS's)", cpuRatio);
        Double inTurnRatio = null;
        if (!inTurn.isEmpty()) {
            for (String name : InTurn.SCORERS) {
                System.out.printf(Locale.ROOT, "%-62s %14s %10s %,12.0f%n", "in turn in one JVM, median of " + (IN_TURN_ROUNDS - IN_TURN_WARMUP) + " rounds: " + name, "", "", inTurn.get(name));
            }
            inTurnRatio = inTurn.get("java") / inTurn.get("js");
            System.out.printf(Locale.ROOT, "%-62s %14.2f%n", "JS / Java, optimizing, in turn (Java CPU/lead / JS's, medians)", inTurnRatio);
        }
        Double perLeadRatio = opt.containsKey("js-per-lead") ? opt.get("js-per-lead").leadsPerSecond() / java.leadsPerSecond() : null;
        figure("previous per-lead JS / Java, optimizing", perLeadRatio, "%.2f");
        Double interpretedRatio = interp.isEmpty() ? null : interp.get("js").leadsPerSecond() / interp.get("java").leadsPerSecond();
        figure("JS / Java, interpreter", interpretedRatio, "%.2f");
        System.out.printf(Locale.ROOT, "%-62s %14d%n", "process start to first lead scored, optimizing (ms" + (starts > 1 ? ", median" : "") + ")", firstOptimized);
        figure("process start to first lead scored, interpreter (ms)", firstInterpreted == null ? null : firstInterpreted.doubleValue(), "%.0f");
        if (quick) {
            System.out.println("--quick checks that everything runs: 5 s of warm-up is not enough for Truffle to settle on this rule,");
            System.out.println("so its JS figures are far below a full run's. Measure with `bench/run rules`.");
        }
        System.out.printf(Locale.ROOT, "RESULT {\"js_vs_java\": %.2f, \"runtime\": \"optimized\", \"js_leads_per_s\": %.0f, \"java_leads_per_s\": %.0f, "
                + "\"js_vs_java_cpu\": %.2f, \"js_cpu_ns_per_lead\": %.0f, \"java_cpu_ns_per_lead\": %.0f, "
                + "\"per_lead_js_vs_java\": %s, \"empty_rule_leads_per_s\": %s, \"layout_leads_per_s\": %s, "
                + "\"interpreted_js_leads_per_s\": %s, \"first_score_ms\": %d, \"first_score_interpreted_ms\": %s, \"js_vs_java_in_turn\": %s}%n",
                ratio, js.leadsPerSecond(), java.leadsPerSecond(), cpuRatio, js.cpuNanosPerLead(), java.cpuNanosPerLead(),
                json(perLeadRatio, "%.2f"), json(leadsPerSecond(opt.get("js-empty")), "%.0f"), json(leadsPerSecond(opt.get("layout")), "%.0f"),
                json(leadsPerSecond(interp.get("js")), "%.0f"), firstOptimized, firstInterpreted == null ? "null" : firstInterpreted.toString(),
                json(inTurnRatio, "%.2f"));
    }

    /** Leads per second, and CPU nanoseconds (all of the process's threads) per lead. */
    record Figures(double leadsPerSecond, double cpuNanosPerLead) {}

    private static void row(String what, Figures f) {
        if (f == null) {
            figure(what, null, "");
            return;
        }
        System.out.printf(Locale.ROOT, "%-62s %,14.0f %10.0f %12.0f%n", what, f.leadsPerSecond(), 1e9 / f.leadsPerSecond(), f.cpuNanosPerLead());
    }

    /** One figure on its own line; "full run only" for one that --quick does not measure. */
    private static void figure(String what, Double value, String format) {
        System.out.printf(Locale.ROOT, "%-62s %14s%n", what, value == null ? "full run only" : String.format(Locale.ROOT, format, value));
    }

    private static Double leadsPerSecond(Figures f) {
        return f == null ? null : f.leadsPerSecond();
    }

    /** {@code value} in {@code format}, or JSON's null for a figure this run did not measure. */
    private static String json(Double value, String format) {
        return value == null ? "null" : String.format(Locale.ROOT, format, value);
    }

    /** Figures per scorer ({@code java}, {@code js}, ...) in forked JVMs with {@code jvmArgs}. */
    private static Map<String, Figures> throughput(List<String> jvmArgs, List<String> scorers, int warmups, int warmupSeconds, int measurements,
            int measurementSeconds) throws Exception {
        Options options = new OptionsBuilder()
                .include(LeadScoreBenchmark.class.getName() + ".scoreAll")
                .param("scorer", scorers.toArray(String[]::new))
                .mode(Mode.Throughput)
                .timeUnit(TimeUnit.SECONDS)
                .forks(1)
                .warmupIterations(warmups)
                .warmupTime(TimeValue.seconds(warmupSeconds))
                .measurementIterations(measurements)
                .measurementTime(TimeValue.seconds(measurementSeconds))
                .jvmArgsAppend(jvmArgs.toArray(String[]::new))
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, Figures> out = new LinkedHashMap<>();
        for (RunResult r : results) {
            double leadsPerSecond = r.getPrimaryResult().getScore() * LeadScoreBenchmark.LEADS;
            // Both counters are summed over the measured iterations.
            double cpuNanosPerLead = r.getSecondaryResults().get("cpuNanos").getScore() / r.getSecondaryResults().get("leads").getScore();
            out.put(r.getParams().getParam("scorer"), new Figures(leadsPerSecond, cpuNanosPerLead));
        }
        if (!out.keySet().containsAll(scorers)) {
            throw new IllegalStateException("a benchmark failed (see its output above); got " + out.keySet());
        }
        return out;
    }

    /** {@link InTurn} in a JVM with {@code jvmArgs}: per scorer, the median CPU nanoseconds per lead. */
    private static Map<String, Double> inTurn(List<String> jvmArgs, int rounds, int warmupRounds) throws Exception {
        List<String> command = childJvm(jvmArgs, InTurn.class, Integer.toString(rounds), Integer.toString(warmupRounds));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, Double> out = new LinkedHashMap<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                String[] f = line.split(" ");
                if (f.length == 3 && f[0].equals("IN-TURN")) {
                    out.put(f[1], Double.parseDouble(f[2]));
                }
            }
        }
        if (p.waitFor() != 0 || !out.keySet().containsAll(InTurn.SCORERS)) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + " with figures for " + out.keySet());
        }
        return out;
    }

    /** The command that runs {@code main} with {@code args} in a JVM like this one's forks, with {@code jvmArgs} added. */
    private static List<String> childJvm(List<String> jvmArgs, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** Median milliseconds from starting a JVM to its first lead scored by lead-score.js. */
    private static long firstScore(List<String> flags, List<String> common, int runs) throws Exception {
        long[] ms = new long[runs];
        for (int i = 0; i < runs; i++) {
            List<String> command = childJvm(concat(concat(List.of("-Xshare:auto"), flags), common), FirstScore.class);
            long start = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long at = -1;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (at < 0 && line.startsWith("SCORED ")) {
                        at = System.nanoTime() - start;
                    }
                }
            }
            if (p.waitFor() != 0 || at < 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + " without scoring a lead");
            }
            ms[i] = at / 1_000_000;
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
