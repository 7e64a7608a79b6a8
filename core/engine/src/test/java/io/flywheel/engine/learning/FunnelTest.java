package io.flywheel.engine.learning;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.engine.feedback.Dimension;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.FeedbackEvent.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunnelTest {
    private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
    private final List<FeedbackEvent> log = new ArrayList<>();

    private void event(int minute, Type type, String lead, String source, List<String> keywords, String actor) {
        log.add(new FeedbackEvent(T0.plus(Duration.ofMinutes(minute)), type, lead, source, "p-" + source, keywords, actor, 0, Map.of(), null));
    }

    @Test
    void countsDistinctLeadsAtEachStageOfTheCohort() {
        event(-10, Type.FOUND, "old", "hn", List.of("java"), null);          // found before the window: not in the cohort
        event(1, Type.INTERESTED, "old", "hn", List.of("java"), "u1");
        event(1, Type.FOUND, "a", "hn", List.of("java", "remote"), null);
        event(2, Type.POSTED, "a", "hn", List.of("java", "remote"), null);
        event(2, Type.POSTED, "a", "hn", List.of("java", "remote"), null);   // a second output: still one lead posted
        event(3, Type.INTERESTED, "a", "hn", List.of("java", "remote"), "u1");
        event(4, Type.INTERESTED, "a", "hn", List.of("java", "remote"), "u2");
        event(5, Type.APPLIED, "a", "hn", List.of("java", "remote"), "u1");
        event(1, Type.FOUND, "b", "hn", List.of("java"), null);
        event(2, Type.POSTED, "b", "hn", List.of("java"), null);
        event(3, Type.NOT_RELEVANT, "b", "hn", List.of("java"), "u1");
        event(1, Type.FOUND, "c", "digest", List.of("remote"), null);
        event(2, Type.POSTED, "c", "digest", List.of("remote"), null);
        event(9, Type.WON, "c", "digest", List.of("remote"), "u3");          // won without the earlier clicks recorded
        event(1, Type.FOUND, "d", "digest", List.of(), null);
        log.add(new FeedbackEvent(T0, Type.TRADE_RETURN, "sma", "sma", null, List.of(), null, 0.01, Map.of(), null));

        Instant from = T0;
        Instant to = T0.plus(Duration.ofHours(1));
        assertThat(Funnel.of(log, from, to, Dimension.SOURCE)).containsExactly(
                new Funnel.Row("digest", 2, 1, 1, 1, 1, 0),
                new Funnel.Row("hn", 2, 2, 1, 1, 0, 1));
        assertThat(Funnel.of(log, from, to, Dimension.KEYWORD)).containsExactly(
                new Funnel.Row("java", 2, 2, 1, 1, 0, 1),
                new Funnel.Row("remote", 2, 2, 2, 2, 1, 0),
                new Funnel.Row("(no keyword)", 1, 0, 0, 0, 0, 0));
        Funnel.Row total = Funnel.total(log, from, to);
        assertThat(total).isEqualTo(new Funnel.Row("all", 4, 3, 2, 2, 1, 1));
        assertThat(total.postedRate()).isEqualTo(0.75);
        assertThat(total.engagedRate()).isEqualTo(2.0 / 3);
        assertThat(total.wonRate()).isEqualTo(0.5);
        assertThat(total.conversion()).isEqualTo(0.25);
    }

    private void replacing(int minute, Type type, Type replaces, String lead, String actor) {
        log.add(new FeedbackEvent(T0.plus(Duration.ofMinutes(minute)), type, lead, "hn", "p-hn", List.of("java"), actor, 0,
                Map.of(FeedbackEvent.REPLACES, (double) replaces.ordinal()), null));
    }

    @Test
    void whatWasTakenBackOrSteppedBackFromNoLongerCounts() {
        for (String lead : List.of("e", "f", "g")) {
            event(1, Type.FOUND, lead, "hn", List.of("java"), null);
            event(2, Type.POSTED, lead, "hn", List.of("java"), null);
        }
        event(3, Type.INTERESTED, "e", "hn", List.of("java"), "u1");
        replacing(4, Type.RETRACTED, Type.INTERESTED, "e", "u1");              // the reaction removed: not engaged
        event(3, Type.INTERESTED, "f", "hn", List.of("java"), "u1");
        replacing(4, Type.APPLIED, Type.INTERESTED, "f", "u1");
        replacing(5, Type.INTERESTED, Type.APPLIED, "f", "u1");                // 📝 removed, the click stands: engaged, not applied
        event(3, Type.NOT_RELEVANT, "g", "hn", List.of("java"), "u1");
        event(3, Type.NOT_RELEVANT, "g", "hn", List.of("java"), "u2");
        replacing(4, Type.RETRACTED, Type.NOT_RELEVANT, "g", "u1");            // u2 still rejects it
        assertThat(Funnel.of(log, T0, T0.plus(Duration.ofHours(1)), Dimension.KEYWORD)).containsExactly(new Funnel.Row("java", 3, 3, 1, 0, 0, 1));
    }

    @Test
    void anEmptyLogIsAnEmptyFunnelWithZeroRates() {
        Funnel.Row total = Funnel.total(List.of(), T0, T0.plusSeconds(1));
        assertThat(total.found()).isZero();
        assertThat(total.conversion()).isZero();
        assertThat(Charts.funnel(List.of(), "empty", 5)).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }
}
