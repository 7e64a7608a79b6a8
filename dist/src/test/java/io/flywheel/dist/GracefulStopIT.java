package io.flywheel.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GracefulStopIT {
    @TempDir
    Path dir;

    @Test
    void sigtermFinishesTheBatchFlushesTheStoreAndExitsZero() throws Exception {
        Path config = Distribution.deployment(dir);
        Path err = dir.resolve("stderr.txt");
        Process p = Distribution.start(dir, Map.of(), err, "run", "--config", config.toString());
        // The first lead on stdout means the process is up and has committed a batch.
        var firstLead = Distribution.firstLine(p.getInputStream(), "^\\s*-?\\d+\\.\\d\\s+\\[.*");
        assertThat(firstLead.get(120, TimeUnit.SECONDS)).as("a lead printed").isNotNull();

        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(Files.readString(err)).contains("Stopping: finishing runs in flight (up to 30s)");

        var again = Distribution.run(dir, Map.of(), "run", "--once", "--config", config.toString());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.err()).contains("0 new").contains("9 lead(s) in the store");
    }
}
