package io.flywheel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);

    @Test
    void longRunsShowOneLineUpdatedEachPercent() {
        ProgressBar bar = new ProgressBar(stream, 1_000);
        for (long done = 0; done <= 10_000; done += 50) {
            bar.at(done, 10_000);
        }
        bar.done();

        String out = err.toString(StandardCharsets.UTF_8);
        assertThat(out.split("\r")).hasSize(1 + 101);
        assertThat(out).contains("backtest [###############...............]  50%  5,000/10,000 bars")
                .endsWith("backtest [##############################] 100%  10,000/10,000 bars" + System.lineSeparator());
    }

    @Test
    void shortRunsPrintNothing() {
        ProgressBar bar = new ProgressBar(stream, 1_000);
        bar.at(10, 999);
        bar.at(999, 999);
        bar.done();
        assertThat(err.size()).isZero();
    }
}
