package io.flywheel.bench.rules;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.lead.LeadScorer;
import io.flywheel.engine.rules.JsRuntime;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A child process: the Java scorer, the default rule and the rule returning zeros measured in turn
 * in one JVM, a second each per round, CPU nanoseconds per lead. JMH gives each scorer its own
 * fork, and on a shared machine one fork can come out 20-30% slower than the next with the same
 * code; measured in turn, all of them see the same moments of the machine and the same heap.
 * Prints {@code IN-TURN name median} per scorer over the rounds after the warm-up ones (while
 * Truffle compiles in the background, its threads' CPU time inflates every row of a round).
 */
public final class InTurn {
    static final List<String> SCORERS = List.of("java", "js", "js-empty");

    /** Where each call's first score goes, so that no call can be left out as unused. */
    static volatile double sink;

    private InTurn() {}

    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[0]);
        int warmupRounds = Integer.parseInt(args[1]);
        List<Lead> leads = Leads.generate(Path.of(System.getProperty("flywheel.repo", ".")), LeadScoreBenchmark.LEADS, 1);
        Map<String, Double> weights = Leads.weights();
        try (JsRuntime runtime = JsRuntime.start()) {
            LeadScorer[] scorers = SCORERS.stream().map(name -> LeadScoreBenchmark.scorer(name, runtime, c -> {})).toArray(LeadScorer[]::new);
            double[] java = scorers[0].score(leads, weights);
            double[] js = scorers[1].score(leads, weights);
            for (int i = 0; i < java.length; i++) {
                if (Math.abs(java[i] - js[i]) > 1e-9) {
                    throw new IllegalStateException("lead " + i + ": lead-score.js gave " + js[i] + ", KeywordScorer " + java[i]);
                }
            }
            double[][] cpuPerLead = new double[scorers.length][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < scorers.length; k++) {
                    long cpu = LeadScoreBenchmark.PROCESS.getProcessCpuTime();
                    long start = System.nanoTime();
                    long scored = 0;
                    while (System.nanoTime() - start < 1_000_000_000L) {
                        sink = scorers[k].score(leads, weights)[0];
                        scored += leads.size();
                    }
                    cpuPerLead[k][r] = (LeadScoreBenchmark.PROCESS.getProcessCpuTime() - cpu) / (double) scored;
                }
                System.err.printf(Locale.ROOT, "in turn, round %d of %d, CPU ns per lead: java %.0f, js %.0f, js-empty %.0f%n", r + 1, rounds,
                        cpuPerLead[0][r], cpuPerLead[1][r], cpuPerLead[2][r]);
            }
            for (int k = 0; k < scorers.length; k++) {
                double[] measured = Arrays.copyOfRange(cpuPerLead[k], warmupRounds, rounds);
                Arrays.sort(measured);
                System.out.printf(Locale.ROOT, "IN-TURN %s %.1f%n", SCORERS.get(k), measured[measured.length / 2]);
            }
            System.out.flush();
        }
    }
}
