package io.flywheel.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SignalsTest {
    @Test
    void theFirstSignalStopsGracefullyAndASecondOneForcesTheExit() {
        AtomicInteger graceful = new AtomicInteger();
        List<Integer> exits = new ArrayList<>();
        Signals.Stages stages = new Signals.Stages(graceful::incrementAndGet, exits::add);

        stages.signal("TERM", 15);
        assertThat(graceful).hasValue(1);
        assertThat(exits).isEmpty();

        stages.signal("INT", 2); // Ctrl-C while the graceful stop waits for an output
        assertThat(graceful).hasValue(1);
        assertThat(exits).containsExactly(130);
    }
}
