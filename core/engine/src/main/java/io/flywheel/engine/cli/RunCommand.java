package io.flywheel.engine.cli;

import io.flywheel.api.Scheduler;
import io.flywheel.engine.app.Flywheel;
import io.flywheel.engine.app.Preflight;
import io.flywheel.engine.app.SourceRun;
import io.flywheel.engine.app.TradingStatusFile;
import io.flywheel.engine.log.SecretMasker;
import java.time.Duration;
import java.util.List;
import io.flywheel.engine.rules.JsRuntime;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flywheel run}: the main job. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the sources at their intervals, stores and scores new leads and posts them to the outputs.",
                "SIGTERM or Ctrl-C finishes the batch in flight, flushes the store and exits 0.",
                "With --once it exits 1 when every source failed, or when paper trading failed (a market's poll failed or the paper book"
                        + " could not run; the last line names the market and why, and `flywheel status` exits 1 on it too); the rest still runs."
                        + " It exits 1 on any other runtime error too (the store held by another run, say), 2 on config problems,"
                        + " else 0 (also when only some sources failed: `flywheel status` shows which)."})
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @ParentCommand
    FlywheelCli cli;

    @Option(names = "--once", description = "Run every source once, post what is new, and exit.")
    boolean once;

    @Option(names = "--grace", defaultValue = "30s", description = "How long to wait for runs in flight when stopping (default: ${DEFAULT-VALUE}).",
            converter = DurationConverter.class)
    Duration grace;

    @Override
    public Integer call() throws Exception {
        // The JavaScript engine's cold start takes seconds; overlap it with the preflight.
        CompletableFuture<JsRuntime> javaScript = JsRuntime.startInBackground();
        Preflight.Result pre = cli.preflight();
        if (cli.report(pre) > 0) {
            cli.io().err().println("flywheel: not started; `flywheel check` lists the same problems");
            pre.plugins().close();
            javaScript.thenAccept(JsRuntime::close);
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        Scheduler scheduler = cli.io().scheduler().get();
        Flywheel flywheel;
        try {
            flywheel = Flywheel.assemble(pre, cli.io().clock(), scheduler, cli.io().random(), javaScript::join);
        } catch (RuntimeException e) {
            javaScript.thenAccept(JsRuntime::close);
            pre.plugins().close();
            closeScheduler(scheduler);
            throw e;
        }
        try {
            if (once) {
                List<SourceRun> runs = flywheel.runOnce();
                int failed = 0;
                for (SourceRun r : runs) {
                    if (r.failed()) {
                        failed++;
                        log.warn("{}: failed: {}", r.sourceId(), r.error());
                    } else {
                        log.info("{}: {}", r.sourceId(), r.summary(0));
                    }
                }
                log.info("{} lead(s) in the store {}", flywheel.store().size(), flywheel.store().file());
                // The paper book is judged as `flywheel status` judges it: a failed poll is a failure
                // of the run, though the sources and outputs went on (as when every source fails).
                List<TradingStatusFile.Poll> trading = flywheel.failedPolls();
                for (TradingStatusFile.Poll p : trading) {
                    cli.io().err().println(SecretMasker.mask("flywheel run --once: paper trading failed"
                            + (p.market().equals(TradingStatusFile.ALL_MARKETS) ? "" : " on market " + p.market()) + ": " + p.error()
                            + " (the sources ran; `flywheel status` reports it until a poll succeeds)"));
                }
                return failed == runs.size() && !runs.isEmpty() || !trading.isEmpty() ? FlywheelCli.FAILED : FlywheelCli.OK;
            }
            CountDownLatch stop = new CountDownLatch(1);
            Signals.onTermination(stop::countDown);
            flywheel.start();
            stop.await();
            log.info("Stopping: finishing runs in flight (up to {})", io.flywheel.engine.config.Durations.format(grace)); // 30s as --grace is written, not PT30S
            flywheel.stop(grace);
            return FlywheelCli.OK;
        } finally {
            flywheel.close();
            closeScheduler(scheduler);
        }
    }

    private static void closeScheduler(Scheduler scheduler) {
        if (scheduler instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("closing scheduler", e);
            }
        }
    }
}
