package io.flywheel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.feedback.Engagement;
import io.flywheel.api.feedback.Retraction;
import io.flywheel.engine.feedback.Dimension;
import io.flywheel.engine.feedback.EngagementRecorder;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.FeedbackEvent.Type;
import io.flywheel.engine.rules.KeywordStats;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per user and lead: the strongest step counts once, a removed reaction is taken back, and both hold across restarts. */
class EngagementStandingTest {
    private static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");
    private static final String LEAD = "https://example.org/lead-1";

    @TempDir
    Path dir;

    private MapDbStore open() {
        return MapDbStore.open(dir.resolve("f.db"), MapDbStore.Options.defaults(), ManualClock.atDefaultStart());
    }

    private static Engagement click(Engagement.Kind kind, String user, Instant at) {
        return new Engagement(LEAD, kind, user, "discord", "c/m", at);
    }

    private static Engagement reaction(Engagement.Kind kind, String user, Instant at, String emoji) {
        return new Engagement(LEAD, kind, user, "discord", "c/m", at, emoji);
    }

    /** What keyword-weights.js reads: 6 windows of 1 hour ending at T0 + 6 h. */
    private static KeywordStats stats(MapDbStore store) {
        return KeywordStats.collect((from, to) -> store.aggregate(Dimension.KEYWORD, from, to), List.of("rust"), T0.plus(Duration.ofHours(6)),
                Duration.ofHours(1), 6, 1);
    }

    private static KeywordStats.Counts total(MapDbStore store) {
        return stats(store).totals().get("rust");
    }

    private static void seedLead(MapDbStore store) {
        store.write(new WriteBatch(List.of(lead()), List.of(),
                List.of(new FeedbackEvent(T0, Type.POSTED, LEAD, "src", "hn", List.of("rust"), null, 0, Map.of(), null))));
    }

    @Test
    void interestedAppliedWonByOneUserCountOnceEngagedOnceConvertedEvenAcrossARestart() {
        try (MapDbStore store = open()) {
            seedLead(store);
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            assertThat(recorder.record(click(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(600))).join()).isTrue();
            assertThat(recorder.record(click(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(700))).join()).as("a repeated click").isFalse();
            assertThat(recorder.record(click(Engagement.Kind.APPLIED, "u1", T0.plus(Duration.ofMinutes(90)))).join()).isTrue();
            assertThat(recorder.record(click(Engagement.Kind.WON, "u1", T0.plus(Duration.ofMinutes(200)))).join()).isTrue();
            assertThat(recorder.record(click(Engagement.Kind.INTERESTED, "u2", T0.plus(Duration.ofMinutes(200)))).join()).isTrue();

            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 2, 1, 0));
            // engaged in the window of the first step, converted in the window of the first conversion
            List<KeywordStats.Counts> windows = stats(store).keywords().get("rust");
            assertThat(windows.get(0)).isEqualTo(new KeywordStats.Counts(0, 1, 1, 0, 0));
            assertThat(windows.get(1)).isEqualTo(new KeywordStats.Counts(0, 0, 0, 1, 0));
            assertThat(windows.get(3)).isEqualTo(new KeywordStats.Counts(0, 0, 1, 0, 0));
            // the log keeps each step, each naming what it replaced
            assertThat(store.events(T0, T0.plus(Duration.ofDays(1)), Set.of(Type.APPLIED, Type.WON)))
                    .extracting(FeedbackEvent::type, FeedbackEvent::replaces)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(Type.APPLIED, java.util.Optional.of(Type.INTERESTED)),
                            org.assertj.core.groups.Tuple.tuple(Type.WON, java.util.Optional.of(Type.APPLIED)));
            // a whole-day aggregate (day roll-ups) agrees with the windows (hour roll-ups and raw events)
            var day = store.aggregate(Dimension.KEYWORD, T0, T0.plus(Duration.ofDays(1))).get("rust");
            assertThat(day.count(Type.INTERESTED) + day.count(Type.APPLIED) + day.count(Type.WON)).isEqualTo(2);
            assertThat(day.count(Type.APPLIED) + day.count(Type.WON)).isEqualTo(1);
        }
        try (MapDbStore store = open()) {
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            assertThat(recorder.record(click(Engagement.Kind.APPLIED, "u1", T0.plus(Duration.ofMinutes(300)))).join()).isFalse();
            assertThat(recorder.record(click(Engagement.Kind.WON, "u1", T0.plus(Duration.ofMinutes(300)))).join()).isFalse();
            assertThat(recorder.record(click(Engagement.Kind.APPLIED, "u2", T0.plus(Duration.ofMinutes(300)))).join()).isTrue();
            assertThat(total(store)).as("after a restart").isEqualTo(new KeywordStats.Counts(0, 1, 2, 2, 0));
        }
    }

    @Test
    void aRemovedReactionThatWasTheOnlyEngagementIsRetractedAcrossARestart() {
        try (MapDbStore store = open()) {
            seedLead(store);
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            assertThat(recorder.record(reaction(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(60), "👀")).join()).isTrue();
            assertThat(recorder.record(reaction(Engagement.Kind.NOT_RELEVANT, "u3", T0.plusSeconds(60), "👎")).join()).isTrue();
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 1, 0, 1));
        }
        try (MapDbStore store = open()) {
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            assertThat(recorder.retract(reaction(Engagement.Kind.INTERESTED, "u1", T0.plus(Duration.ofMinutes(150)), "👀")).join()).isTrue();
            assertThat(recorder.retract(reaction(Engagement.Kind.INTERESTED, "u1", T0.plus(Duration.ofMinutes(151)), "👀")).join()).as("twice").isFalse();
            assertThat(recorder.retract(reaction(Engagement.Kind.NOT_RELEVANT, "u3", T0.plus(Duration.ofMinutes(150)), "👎")).join()).isTrue();
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 0, 0, 0));
            // the retraction is appended when it happens (history is not rewritten) ...
            assertThat(store.events(T0, T0.plus(Duration.ofDays(1)), Set.of(Type.RETRACTED)))
                    .extracting(FeedbackEvent::time, FeedbackEvent::replaces)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(T0.plus(Duration.ofMinutes(150)), java.util.Optional.of(Type.INTERESTED)),
                            org.assertj.core.groups.Tuple.tuple(T0.plus(Duration.ofMinutes(150)), java.util.Optional.of(Type.NOT_RELEVANT)));
            // ... and taken off where it was counted: no hour goes below zero
            assertThat(count(store, T0.plus(Duration.ofHours(2)), T0.plus(Duration.ofHours(3)), Type.INTERESTED)).isZero();
            assertThat(count(store, T0, T0.plus(Duration.ofHours(1)), Type.INTERESTED)).isZero();
            List<KeywordStats.Counts> windows = stats(store).keywords().get("rust");
            assertThat(windows).allSatisfy(c -> assertThat(c.engagements()).isZero());
            assertThat(windows).allSatisfy(c -> assertThat(c.rejections()).isZero());
            // a new reaction counts again
            assertThat(recorder.record(reaction(Engagement.Kind.INTERESTED, "u1", T0.plus(Duration.ofMinutes(160)), "👀")).join()).isTrue();
            assertThat(total(store).engagements()).isEqualTo(1);
        }
    }

    private static long count(MapDbStore store, Instant from, Instant to, Type type) {
        var a = store.aggregate(Dimension.KEYWORD, from, to).get("rust");
        return a == null ? 0 : a.count(type);
    }

    private static Instant at(int hours, int minutes) {
        return T0.plus(Duration.ofHours(hours)).plus(Duration.ofMinutes(minutes));
    }

    @Test
    void aStepTakenBackLeavesTheWindowItWasCountedInAndNeverAnotherUsersEngagement() {
        try (MapDbStore store = open()) {
            seedLead(store);
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u4", T0.minus(Duration.ofDays(2)), "👀")).join(); // before the windows in view
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u1", at(0, 10), "👀")).join();
            recorder.record(click(Engagement.Kind.INTERESTED, "u3", at(1, 10))).join();
            recorder.record(reaction(Engagement.Kind.APPLIED, "u3", at(2, 10), "📝")).join();
            recorder.record(click(Engagement.Kind.INTERESTED, "u2", at(5, 10))).join();
            assertThat(recorder.retract(reaction(Engagement.Kind.INTERESTED, "u1", at(5, 20), "👀")).join()).isTrue();
            assertThat(recorder.retract(reaction(Engagement.Kind.APPLIED, "u3", at(5, 30), "📝")).join()).isTrue();
            assertThat(recorder.retract(reaction(Engagement.Kind.INTERESTED, "u4", at(5, 40), "👀")).join()).isTrue();

            List<KeywordStats.Counts> windows = stats(store).keywords().get("rust");
            // u1 no longer counts in the window of 00:10; u2's engagement at 05:10 is untouched by the removals at 05:xx
            assertThat(windows.get(0).engagements()).isZero();
            assertThat(windows.get(1)).isEqualTo(new KeywordStats.Counts(0, 0, 1, 0, 0)); // u3 still interested (the click)
            assertThat(windows.get(2)).isEqualTo(new KeywordStats.Counts(0, 0, 0, 0, 0)); // u3's 📝 taken back where it was counted
            assertThat(windows.get(5)).isEqualTo(new KeywordStats.Counts(0, 0, 1, 0, 0));
            // the raw counts agree: per hour, per day and in a partial hour read from the events, none below zero
            assertThat(count(store, at(5, 0), at(6, 0), Type.INTERESTED)).isEqualTo(1);
            assertThat(count(store, at(5, 0), at(6, 0), Type.APPLIED)).isZero();
            assertThat(count(store, at(0, 5), at(0, 20), Type.INTERESTED)).isZero();
            assertThat(count(store, T0.minus(Duration.ofDays(3)), T0, Type.INTERESTED)).isZero();
            assertThat(count(store, T0, T0.plus(Duration.ofDays(1)), Type.INTERESTED)).isEqualTo(2);
            // what is read as events is unchanged: the removals at the time they happened
            assertThat(store.events(at(5, 0), at(6, 0), Set.of())).extracting(FeedbackEvent::type)
                    .containsExactly(Type.INTERESTED, Type.RETRACTED, Type.INTERESTED, Type.RETRACTED);
            assertThat(store.events(T0.minus(Duration.ofDays(3)), at(5, 0), Set.of(Type.RETRACTED))).isEmpty();
            recorder.record(reaction(Engagement.Kind.WON, "u1", at(5, 45), "🏆")).join();
        }
        try (MapDbStore store = open()) {
            // the times are kept in the standing: after a restart the 🏆 is taken off its own window
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            assertThat(recorder.retract(reaction(Engagement.Kind.WON, "u1", T0.plus(Duration.ofHours(7)), "🏆")).join()).isTrue();
            assertThat(stats(store).keywords().get("rust").get(5)).isEqualTo(new KeywordStats.Counts(0, 0, 1, 0, 0));
            assertThat(count(store, at(7, 0), at(8, 0), Type.WON)).isZero();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStandingWrittenBeforeTheTimesWereKeptIsStillTakenBackWithoutANegativeWindow() throws Exception {
        try (MapDbStore store = open()) {
            seedLead(store);
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u1", at(0, 10), "👀")).join();
            recorder.record(click(Engagement.Kind.INTERESTED, "u2", at(5, 10))).join();
            // rewrite u1's standing as the first release of standings stored it: step counted, rejected, holds, no times
            var tablesField = MapDbStore.class.getDeclaredField("tables");
            tablesField.setAccessible(true);
            var standingField = FeedbackTables.class.getDeclaredField("standing");
            standingField.setAccessible(true);
            var standings = (Map<Long, byte[]>) standingField.get(((Tables) tablesField.get(store)).feedback);
            Bytes old = new Bytes(32).u8(Codec.VERSION).u8(Type.INTERESTED.ordinal() + 1).u8(0).varint(1).u8(Type.INTERESTED.ordinal())
                    .nstr(reaction(Engagement.Kind.INTERESTED, "u1", T0, "👀").via());
            long u1 = standings.entrySet().stream().filter(e -> new String(e.getValue(), java.nio.charset.StandardCharsets.UTF_8).contains("👀"))
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            standings.put(u1, old.toArray());

            assertThat(recorder.retract(reaction(Engagement.Kind.INTERESTED, "u1", at(5, 20), "👀")).join()).isTrue();
            // taken back where it happens, as that release did, and the windows the rules read stay at or above zero with the sum exact
            assertThat(count(store, at(5, 0), at(6, 0), Type.INTERESTED)).isZero();
            assertThat(count(store, T0, T0.plus(Duration.ofDays(1)), Type.INTERESTED)).isEqualTo(1);
            assertThat(stats(store).keywords().get("rust")).allSatisfy(c -> assertThat(c.engagements()).isNotNegative());
            assertThat(total(store).engagements()).isEqualTo(1);
            // and the standing now keeps times: engaged again and taken back, it leaves its own window
            recorder.record(reaction(Engagement.Kind.APPLIED, "u1", at(5, 30), "📝")).join();
            assertThat(recorder.retract(reaction(Engagement.Kind.APPLIED, "u1", at(5, 40), "📝")).join()).isTrue();
            assertThat(count(store, at(5, 0), at(6, 0), Type.APPLIED)).isZero();
            assertThat(count(store, at(5, 0), at(6, 0), Type.INTERESTED)).isZero();
        }
    }

    @Test
    void aRemovedReactionLeavesWhatElseTheUserDidStanding() {
        try (MapDbStore store = open()) {
            seedLead(store);
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            recorder.record(click(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(10))).join();
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(20), "👀")).join();
            recorder.record(reaction(Engagement.Kind.APPLIED, "u1", T0.plusSeconds(30), "📝")).join();
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 1, 1, 0));
            // 📝 taken back: the user is still interested (the button), no longer converted
            assertThat(recorder.retract(reaction(Engagement.Kind.APPLIED, "u1", T0.plusSeconds(40), "📝")).join()).isTrue();
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 1, 0, 0));
            // 👀 taken back: the click still stands
            assertThat(recorder.retract(reaction(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(50), "👀")).join()).isTrue();
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 1, 0, 0));
            assertThat(store.events(T0, T0.plus(Duration.ofDays(1)), Set.of(Type.RETRACTED))).isEmpty();
        }
    }

    @Test
    void aStoreFromBeforeStandingsCountsItsRecordedClicks() {
        try (MapDbStore store = open()) {
            seedLead(store);
            store.appendOnce(new FeedbackEvent(T0.plusSeconds(10), Type.INTERESTED, LEAD, "src", "hn", List.of("rust"), "u1", 0, Map.of(), null));
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            assertThat(recorder.record(click(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(20))).join()).isFalse();
            assertThat(recorder.record(new Engagement(LEAD, Engagement.Kind.APPLIED, "u1", "discord", null, T0.plusSeconds(30))).join()).isTrue();
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 1, 1, 0));
        }
    }

    @Test
    void anEventThatIsNotAnEngagementStepIsRefusedNamingIt() {
        try (MapDbStore store = open()) {
            FeedbackEvent found = new FeedbackEvent(T0, Type.FOUND, LEAD, "src", "hn", List.of("rust"), "u1", 0, Map.of(), null);
            assertThatThrownBy(() -> store.engage(found, null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(LEAD).hasMessageContaining("type FOUND");
            FeedbackEvent anonymous = new FeedbackEvent(T0, Type.WON, LEAD, "src", "hn", List.of("rust"), null, 0, Map.of(), null);
            assertThatThrownBy(() -> store.retract(anonymous, "🏆")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("actor null");
        }
    }

    @Test
    void aReplacedTypeThatIsNoTypeIsNamedWhenRead() {
        FeedbackEvent odd = new FeedbackEvent(T0, Type.APPLIED, LEAD, "src", "hn", List.of("rust"), "u1", 0, Map.of(FeedbackEvent.REPLACES, 42.0), null);
        assertThatThrownBy(odd::replaces).isInstanceOf(IllegalStateException.class).hasMessageContaining(LEAD).hasMessageContaining("replaces = 42.0");
    }

    @Test
    void aClearedReactionIsTakenBackFromEveryUserWhoHeldItOnThatViaOnlyAcrossARestart() {
        String eyes = "reaction m1 👀", memo = "reaction m1 📝";
        try (MapDbStore store = open()) {
            seedLead(store);
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(60), eyes)).join();
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u2", T0.plusSeconds(60), eyes)).join();
            recorder.record(reaction(Engagement.Kind.APPLIED, "u2", T0.plusSeconds(90), memo)).join();
            recorder.record(click(Engagement.Kind.INTERESTED, "u3", T0.plusSeconds(60))).join();
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u4", T0.plusSeconds(60), "reaction m2 👀")).join();
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 4, 1, 0));
        }
        try (MapDbStore store = open()) {
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            Instant later = T0.plus(Duration.ofMinutes(150));
            // all 👀 on m1 cleared: u1 had only that; u2 still holds 📝; the click and m2's 👀 stand
            assertThat(recorder.retract(new Retraction(eyes, null, "discord", "c/m1", later)).join()).isEqualTo(2);
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 3, 1, 0));
            // one user's 📝 taken back without naming the lead (the output no longer knows the message)
            assertThat(recorder.retract(new Retraction(memo, "u9", "discord", "c/m1", later)).join()).as("another user's").isZero();
            assertThat(recorder.retract(new Retraction(memo, "u2", "discord", "c/m1", later)).join()).isEqualTo(1);
            assertThat(recorder.retract(new Retraction(memo, "u2", "discord", "c/m1", later)).join()).as("twice").isZero();
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 2, 0, 0));
            // taken off where they were counted, as a removed reaction is
            assertThat(stats(store).keywords().get("rust")).allSatisfy(c -> assertThat(c.engagements()).isNotNegative());
            assertThat(store.events(T0, T0.plus(Duration.ofDays(1)), Set.of(Type.RETRACTED))).extracting(FeedbackEvent::actor, FeedbackEvent::detail)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("u1", "discord:c/m1"), org.assertj.core.groups.Tuple.tuple("u2", "discord:c/m1"));
            assertThat(store.heldVia(eyes)).isEmpty();
            assertThat(store.heldVia("reaction m2 👀")).containsExactly(new io.flywheel.engine.feedback.FeedbackLog.Held("u4", LEAD, Type.INTERESTED));
        }
    }

    @Test
    void aRetractionProcessedAfterTheReactionWasAddedAgainDoesNotTakeTheNewOneBack() {
        // Two outputs on one channel: the one that posted takes 👀 back by its index; the other, lacking the
        // message, sends a Retraction that may arrive after the user added 👀 again, and even after a restart.
        String eyes = "reaction m1 👀";
        try (MapDbStore store = open()) {
            seedLead(store);
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(60), eyes)).join();
            assertThat(recorder.retract(reaction(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(70), eyes)).join()).isTrue();
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(80), eyes)).join();
        }
        try (MapDbStore store = open()) {
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            assertThat(recorder.retract(new Retraction(eyes, "u1", "discord-2", "c/m1", T0.plusSeconds(70))).join()).as("late, of the first 👀").isZero();
            assertThat(store.heldVia(eyes)).extracting(io.flywheel.engine.feedback.FeedbackLog.Held::actor).containsExactly("u1");
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 1, 0, 0));
            assertThat(recorder.retract(new Retraction(eyes, "u1", "discord-2", "c/m1", T0.plusSeconds(90))).join()).as("after it").isEqualTo(1);
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 0, 0, 0));
        }
    }

    @Test
    void aUserWithTwoEmojiOfOneStepKeepsItWhenOneIsClearedAndLosesItWhenBothAre() {
        String eyes = "reaction m1 👀", thumbs = "reaction m1 👍";
        try (MapDbStore store = open()) {
            seedLead(store);
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(60), eyes)).join();
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(70), thumbs)).join();
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 1, 0, 0));
            assertThat(recorder.retract(new Retraction(eyes, null, "discord", "c/m1", T0.plusSeconds(120))).join()).isEqualTo(1);
            assertThat(total(store)).as("👍 still holds it").isEqualTo(new KeywordStats.Counts(0, 1, 1, 0, 0));
            assertThat(store.events(T0, T0.plus(Duration.ofDays(1)), Set.of(Type.RETRACTED))).isEmpty();
            assertThat(recorder.retract(new Retraction(thumbs, null, "discord", "c/m1", T0.plusSeconds(130))).join()).isEqualTo(1);
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 0, 0, 0));
            assertThat(store.events(T0, T0.plus(Duration.ofDays(1)), Set.of(Type.RETRACTED))).extracting(FeedbackEvent::actor).containsExactly("u1");
        }
    }

    @Test
    void heldViaFindsExactlyThatViaNotOnesItIsAPrefixOf() {
        try (MapDbStore store = open()) {
            seedLead(store);
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(60), "r1")).join();
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u2", T0.plusSeconds(60), "r10")).join();
            recorder.record(reaction(Engagement.Kind.APPLIED, "u3", T0.plusSeconds(60), "r1 x")).join();
            assertThat(store.heldVia("r1")).containsExactly(new io.flywheel.engine.feedback.FeedbackLog.Held("u1", LEAD, Type.INTERESTED));
            assertThat(store.heldVia("r")).isEmpty();
            assertThat(store.heldVia("")).isEmpty();
        }
    }

    @Test
    void aClearThatFailsAfterItsFirstHolderTakesBackNoneAndIsOneChangeThatReplaysWhole() {
        String eyes = "reaction m1 👀";
        try (MapDbStore store = open()) {
            seedLead(store);
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            for (String user : List.of("u1", "u2", "u3")) {
                recorder.record(reaction(Engagement.Kind.INTERESTED, user, T0.plusSeconds(60), eyes)).join();
            }
            List<String> takenBack = new java.util.ArrayList<>();
            store.afterEachTakenBack(e -> {
                takenBack.add(e.actor());
                throw new StoreException("disk full after taking back " + e.actor() + "'s");
            });
            assertThatThrownBy(() -> recorder.retract(new Retraction(eyes, null, "discord", "c/m1", T0.plusSeconds(120))).join())
                    .hasMessageContaining("cannot take back 3 engagement(s) via '" + eyes + "'").hasMessageContaining("u1 on " + LEAD)
                    .hasMessageContaining("none was taken back").hasMessageContaining("disk full after taking back u1's");
            assertThat(takenBack).as("it failed right after the first holder").containsExactly("u1");
            // none taken back: every hold, count and event as before the clear
            assertThat(store.heldVia(eyes)).extracting(io.flywheel.engine.feedback.FeedbackLog.Held::actor).containsExactlyInAnyOrder("u1", "u2", "u3");
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 3, 0, 0));
            assertThat(store.events(T0, T0.plus(Duration.ofDays(1)), Set.of(Type.RETRACTED))).isEmpty();
            // the store recovered (the seam went with the failed change): the clear again takes back all three in one change
            assertThat(recorder.retract(new Retraction(eyes, null, "discord", "c/m1", T0.plusSeconds(180))).join()).isEqualTo(3);
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 0, 0, 0));
            store.abandon(); // as if killed: the clear is only in the journal
        }
        try (MapDbStore store = open()) {
            assertThat(store.heldVia(eyes)).isEmpty();
            assertThat(total(store)).isEqualTo(new KeywordStats.Counts(0, 1, 0, 0, 0));
            assertThat(store.events(T0, T0.plus(Duration.ofDays(1)), Set.of(Type.RETRACTED))).extracting(FeedbackEvent::actor)
                    .containsExactlyInAnyOrder("u1", "u2", "u3");
        }
    }

    @Test
    void aClearIsOneJournalEntryForAllItsHolders() {
        String eyes = "reaction m1 👀";
        try (MapDbStore store = open()) {
            seedLead(store);
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            for (String user : List.of("u1", "u2", "u3", "u4")) {
                recorder.record(reaction(Engagement.Kind.INTERESTED, user, T0.plusSeconds(60), eyes)).join();
            }
            store.flush();
            recorder.retract(new Retraction(eyes, null, "discord", "c/m1", T0.plusSeconds(120))).join();
            List<Journal.Entry> entries = new java.util.ArrayList<>();
            store.abandon();
            // Changes so far: the lead, four reactions (sequences 1-5, checkpointed by the flush), then the clear.
            Journal.open(MapDbStore.journalFile(dir.resolve("f.db")), 5, entries, new long[1]).close();
            assertThat(entries).singleElement().satisfies(e -> assertThat(Op.decode(e.payload())).isInstanceOfSatisfying(Op.RetractAll.class, a -> {
                assertThat(a.via()).isEqualTo(eyes);
                assertThat(a.events()).extracting(FeedbackEvent::actor).containsExactlyInAnyOrder("u1", "u2", "u3", "u4");
            }));
        }
    }

    @Test
    void reactionsHeldInAStoreFromBeforeFeedbackViaAreFoundAfterTheUpgradeAndCanBeCleared() {
        String eyes = "reaction m1 👀", memo = "reaction m1 📝";
        try (MapDbStore store = open()) {
            seedLead(store);
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(60), eyes)).join();
            recorder.record(reaction(Engagement.Kind.APPLIED, "u2", T0.plusSeconds(90), memo)).join();
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u2", T0.plusSeconds(95), eyes)).join(); // held, not counted: no event of its own
            recorder.record(click(Engagement.Kind.INTERESTED, "u3", T0.plusSeconds(60))).join();
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u3", T0.plusSeconds(70), eyes)).join();
            recorder.retract(reaction(Engagement.Kind.INTERESTED, "u3", T0.plusSeconds(80), eyes)).join(); // taken back before the upgrade
        }
        // the file as Flywheel 1.1 left it: the same standings, no feedback.via
        org.mapdb.DB raw = MapDbFiles.open(dir.resolve("f.db"));
        java.util.SortedMap<String, String> catalog = raw.nameCatalogLoad();
        assertThat(catalog.keySet().removeIf(k -> k.startsWith("feedback.via#"))).isTrue();
        raw.nameCatalogSave(catalog);
        raw.commit();
        raw.close();
        try (MapDbStore store = open()) {
            assertThat(store.heldVia(eyes)).extracting(io.flywheel.engine.feedback.FeedbackLog.Held::actor).containsExactlyInAnyOrder("u1", "u2");
            assertThat(store.heldVia(memo)).containsExactly(new io.flywheel.engine.feedback.FeedbackLog.Held("u2", LEAD, Type.APPLIED));
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            assertThat(recorder.retract(new Retraction(eyes, null, "discord", "c/m1", T0.plusSeconds(300))).join()).isEqualTo(2);
            assertThat(recorder.retract(new Retraction(memo, null, "discord", "c/m1", T0.plusSeconds(300))).join()).isEqualTo(1);
            assertThat(total(store)).as("only u3's click is left").isEqualTo(new KeywordStats.Counts(0, 1, 1, 0, 0));
        }
        try (MapDbStore store = open()) {
            assertThat(store.heldVia(eyes)).as("filled once, not again from the old standings").isEmpty();
        }
    }

    @Test
    void anUnreadableStandingInAStoreFromBeforeFeedbackViaIsSkippedNotAStoreThatCannotOpen() {
        String eyes = "reaction m1 👀";
        try (MapDbStore store = open()) {
            seedLead(store);
            EngagementRecorder recorder = new EngagementRecorder(store, store);
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u1", T0.plusSeconds(60), eyes)).join();
            recorder.record(reaction(Engagement.Kind.INTERESTED, "u2", T0.plusSeconds(60), eyes)).join();
        }
        org.mapdb.DB raw = MapDbFiles.open(dir.resolve("f.db"));
        java.util.SortedMap<String, String> catalog = raw.nameCatalogLoad();
        catalog.keySet().removeIf(k -> k.startsWith("feedback.via#"));
        raw.nameCatalogSave(catalog);
        long u1 = com.google.common.hash.Hashing.farmHashFingerprint64().hashString("u1\u0000" + LEAD, java.nio.charset.StandardCharsets.UTF_8).asLong();
        org.mapdb.HTreeMap<Long, byte[]> standings = raw.hashMap("feedback.standing", org.mapdb.Serializer.LONG, org.mapdb.Serializer.BYTE_ARRAY).open();
        assertThat(standings.replace(u1, new byte[] {Codec.VERSION, 99, 0, 0})).as("u1's standing").isNotNull();
        raw.commit();
        raw.close();
        try (MapDbStore store = open()) {
            assertThat(store.heldVia(eyes)).extracting(io.flywheel.engine.feedback.FeedbackLog.Held::actor).containsExactly("u2");
        }
    }

    @Test
    void engagementsReplayFromTheJournal() {
        FeedbackEvent applied = new FeedbackEvent(T0, Type.APPLIED, LEAD, "src", "hn", List.of("rust"), "u1", 0, Map.of(), "discord:c/m");
        Op.Engage op = new Op.Engage(applied, "📝", true);
        Bytes b = new Bytes(64);
        Op.encode(op, b);
        assertThat(Op.decode(b.toArray())).isEqualTo(op);
        Op.Engage click = new Op.Engage(applied, null, false);
        Bytes c = new Bytes(64);
        Op.encode(click, c);
        assertThat(Op.decode(c.toArray())).isEqualTo(click);
    }

    private static io.flywheel.api.lead.Lead lead() {
        return new io.flywheel.api.lead.Lead(LEAD, "src", "hn", "Rust role", LEAD, null, null, null, null, T0, T0, List.of("rust"), 5);
    }
}
