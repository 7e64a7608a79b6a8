package io.flywheel.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Partial;
import io.flywheel.api.output.Post;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.atDefaultStart();

    private MapDbStore open() {
        // A long checkpoint interval: every change below lives only in the journal until a checkpoint.
        return MapDbStore.open(dir.resolve("o.db"), MapDbStore.Options.defaults().withCheckpointInterval(Duration.ofHours(1)), clock);
    }

    private static OutboxEntry post(String output, Lead lead) {
        return new OutboxEntry(output, new Post("post-" + lead.key().hashCode(), Post.Kind.LEAD, lead.key(), lead.title(), lead.url(), lead.body(),
                List.of(new Post.Field("Score", "1.0", true)), lead.time()));
    }

    private static List<String> ids(List<OutboxEntry> entries) {
        return entries.stream().map(e -> e.post().id()).toList();
    }

    @Test
    void postsWaitInQueueOrderPerOutput() {
        List<Lead> leads = new TestLeads(1).leads(300);
        List<OutboxEntry> posts = new ArrayList<>();
        for (Lead l : leads) {
            posts.add(post("discord", l));
            posts.add(post("console", l));
        }
        try (MapDbStore store = open()) {
            store.write(new WriteBatch(leads, posts, List.of()));
            assertThat(store.pendingCount("discord")).isEqualTo(300);
            assertThat(ids(store.pending("discord", 1000))).containsExactlyElementsOf(posts.stream().filter(p -> p.outputId().equals("discord"))
                    .map(p -> p.post().id()).toList());
            assertThat(store.pending("discord", 10)).hasSize(10).first().isEqualTo(posts.getFirst());
            assertThat(store.pending("unknown-output", 10)).isEmpty();
        }
    }

    @Test
    void postsForLeadsAlreadyStoredAreNotQueuedAgain() {
        Lead lead = new TestLeads(2).lead();
        try (MapDbStore store = open()) {
            store.write(new WriteBatch(List.of(lead), List.of(post("discord", lead)), List.of()));
            store.write(new WriteBatch(List.of(lead), List.of(post("discord", lead)), List.of()));
            assertThat(store.pendingCount("discord")).isEqualTo(1);
        }
    }

    @Test
    void aDeliveredPostLeavesWithItsReferenceAndAnUndeliveredOneSurvivesACrash() {
        List<Lead> leads = new TestLeads(3).leads(250);
        List<OutboxEntry> posts = leads.stream().map(l -> post("discord", l)).toList();
        MapDbStore store = open();
        store.write(new WriteBatch(leads, posts, List.of()));
        // The output confirmed some, out of order, then the process died before confirming the rest.
        List<Delivery> confirmed = List.of(new Delivery(posts.get(0).post().id(), "msg-0"), new Delivery(posts.get(7).post().id(), "msg-7"),
                new Delivery(posts.get(200).post().id(), "msg-200"));
        store.delivered("discord", confirmed);
        List<OutboxEntry> sentButNotConfirmed = store.pending("discord", 5);
        store.abandon();

        try (MapDbStore reopened = open()) {
            assertThat(reopened.pendingCount("discord")).isEqualTo(247);
            List<OutboxEntry> pending = reopened.pending("discord", 1000);
            // Every unconfirmed post is still there (at least once), in order; no confirmed one comes back.
            assertThat(pending).hasSize(247).containsAll(sentButNotConfirmed);
            assertThat(ids(pending)).doesNotContain(posts.get(0).post().id(), posts.get(7).post().id(), posts.get(200).post().id());
            assertThat(reopened.messageRef("discord", posts.get(7).post().id())).contains("msg-7");
            assertThat(reopened.messageRef("discord", posts.get(8).post().id())).isEmpty();
            // Confirming the rest empties the queue for good.
            reopened.delivered("discord", pending.stream().map(e -> new Delivery(e.post().id(), "m")).toList());
            assertThat(reopened.pending("discord", 10)).isEmpty();
        }
        try (MapDbStore again = open()) {
            assertThat(again.pendingCount("discord")).isZero();
            assertThat(again.pending("discord", 10)).isEmpty();
        }
    }

    @Test
    void aDeliveryReportedTwiceOrForAnUnknownPostChangesNothingElse() {
        List<Lead> leads = new TestLeads(4).leads(3);
        List<OutboxEntry> posts = leads.stream().map(l -> post("discord", l)).toList();
        try (MapDbStore store = open()) {
            store.write(new WriteBatch(leads, posts, List.of()));
            store.delivered("discord", List.of(new Delivery(posts.get(1).post().id(), "a")));
            store.delivered("discord", List.of(new Delivery(posts.get(1).post().id(), "a"), new Delivery("no-such-post", "b")));
            store.delivered("no-such-output", List.of(new Delivery("x", "y")));
            assertThat(ids(store.pending("discord", 10))).containsExactly(posts.get(0).post().id(), posts.get(2).post().id());
            assertThat(store.pendingCount("discord")).isEqualTo(2);
        }
    }

    @Test
    void aPartlyShownPostKeepsItsMarkAcrossACrashUntilItIsDelivered() {
        List<Lead> leads = new TestLeads(5).leads(3);
        List<OutboxEntry> posts = leads.stream().map(l -> post("discord", l)).toList();
        String first = posts.get(0).post().id();
        String split = posts.get(1).post().id();
        MapDbStore store = open();
        store.write(new WriteBatch(leads, posts, List.of()));
        // One message delivered the first post and showed the head of the second; then the process died.
        store.delivered("discord", List.of(new Delivery(first, "msg-1")), List.of(new Partial(split, "text:1990:1:ab:msg-1")));
        assertThat(store.partial("discord", split)).hasValue("text:1990:1:ab:msg-1");
        store.abandon();

        MapDbStore reopened = open();
        assertThat(reopened.partial("discord", split)).as("replayed from the journal").hasValue("text:1990:1:ab:msg-1");
        assertThat(reopened.partial("console", split)).as("per output").isEmpty();
        assertThat(ids(reopened.pending("discord", 10))).as("still queued").containsExactly(split, posts.get(2).post().id());
        // A later part: the newer mark replaces the older one, alone in its change.
        reopened.delivered("discord", List.of(), List.of(new Partial(split, "text:3980:2:ab:msg-2")));
        reopened.abandon();

        try (MapDbStore again = open()) {
            assertThat(again.partial("discord", split)).hasValue("text:3980:2:ab:msg-2");
            again.delivered("discord", List.of(new Delivery(split, "msg-3")));
            assertThat(again.partial("discord", split)).as("gone with the post").isEmpty();
            // A mark arriving for a post already delivered (a late report) is not kept.
            again.delivered("discord", List.of(), List.of(new Partial(first, "text:10:1:ab:msg-9")));
            assertThat(again.partial("discord", first)).isEmpty();
            assertThat(ids(again.pending("discord", 10))).containsExactly(posts.get(2).post().id());
        }
    }

    @Test
    void eachMessageKeepsTheLeadPostsItShowedAcrossACrashFromTheJournalOnly() {
        List<Lead> leads = new TestLeads(7).leads(4);
        OutboxEntry a = post("discord", leads.get(0)), b = post("discord", leads.get(1)), c = post("discord", leads.get(2));
        OutboxEntry signal = new OutboxEntry("discord", new Post("sig-1", Post.Kind.SIGNAL, "sma", "A signal", null, null, List.of(), leads.get(3).time()));
        OutboxEntry webhook = post("webhook", leads.get(3));
        MapDbStore store = open();
        store.write(new WriteBatch(leads, List.of(a, b, c, signal, webhook), List.of()));
        // One message named by the output: a's tail and c's head (a partly shown post) with b whole in between.
        store.delivered("discord", "ch/m1", List.of(new Delivery(a.post().id(), "ch/m1"), new Delivery(b.post().id(), "ch/m1")),
                List.of(new Partial(c.post().id(), "text:10:1:ab:ch/m1")));
        // A message showing only the middle of c: no delivery names it, only the output's reference.
        store.delivered("discord", "ch/m2", List.of(), List.of(new Partial(c.post().id(), "text:20:2:ab:ch/m2")));
        // A message of a signal only: no lead's.
        store.delivered("discord", "ch/m3", List.of(new Delivery(signal.post().id(), "ch/m3")), List.of());
        // Deliveries of an output that names no message (one that takes no engagement) cost no entry.
        store.delivered("discord", List.of(new Delivery(c.post().id(), "ch/m4")));
        // A refused post was never shown (the dispatcher records it as "refused: why").
        store.delivered("webhook", "wh/m5", List.of(new Delivery(webhook.post().id(), "refused: too long")), List.of());
        store.abandon(); // as if killed: all of it is in the journal only
        try (MapDbStore reopened = open()) {
            assertThat(reopened.postsShown("discord", "ch/m1")).extracting(io.flywheel.api.feedback.PostShown::postId)
                    .containsExactly(a.post().id(), b.post().id(), c.post().id());
            assertThat(reopened.postsShown("discord", "ch/m1").get(1)).isEqualTo(new io.flywheel.api.feedback.PostShown(b.post().id(),
                    leads.get(1).key(), leads.get(1).title()));
            assertThat(reopened.postsShown("discord", "ch/m2")).extracting(io.flywheel.api.feedback.PostShown::ref).containsExactly(leads.get(2).key());
            assertThat(reopened.postsShown("discord", "ch/m3")).as("a signal's message").isEmpty();
            assertThat(reopened.postsShown("discord", "ch/m4")).as("no message named").isEmpty();
            assertThat(reopened.messageRef("discord", c.post().id())).contains("ch/m4");
            assertThat(reopened.postsShown("webhook", "wh/m5")).as("a refused post was never shown").isEmpty();
            assertThat(reopened.postsShown("webhook", "refused: too long")).isEmpty();
            assertThat(reopened.postsShown("other-output", "ch/m1")).isEmpty();
            assertThat(reopened.pendingCount("discord")).isZero();
        }
    }

    @Test
    void aStoreFromBeforeTheMessageRecordGetsItFilledFromItsDeliveriesAtTheFirstOpen() {
        List<Lead> leads = new TestLeads(8).leads(3);
        List<OutboxEntry> posts = leads.stream().map(l -> new OutboxEntry("discord", io.flywheel.engine.lead.LeadPosts.toPost(l))).toList();
        try (MapDbStore store = open()) {
            store.write(new WriteBatch(leads, posts, List.of()));
            // delivered as before API 1.3.0: no message named; the first two in one message, the third in another, each with its POSTED event
            store.delivered("discord", List.of(new Delivery(posts.get(0).post().id(), "ch/m1"), new Delivery(posts.get(1).post().id(), "ch/m1"),
                    new Delivery(posts.get(2).post().id(), "ch/m2")));
            store.append(leads.stream().map(l -> new io.flywheel.engine.feedback.FeedbackEvent(clock.instant(), io.flywheel.engine.feedback.FeedbackEvent.Type.POSTED,
                    l.key(), l.sourceId(), l.platform(), l.keywords(), null, l.score(), java.util.Map.of(), "discord")).toList());
            assertThat(store.postsShown("discord", "ch/m1")).isEmpty();
        }
        // the file as a store from before outbox.message left it
        forgetTheMessageRecord();
        try (MapDbStore store = open()) {
            assertThat(store.postsShown("discord", "ch/m1")).extracting(io.flywheel.api.feedback.PostShown::ref, io.flywheel.api.feedback.PostShown::title)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(leads.get(0).key(), leads.get(0).title()),
                            org.assertj.core.groups.Tuple.tuple(leads.get(1).key(), leads.get(1).title()));
            assertThat(store.postsShown("discord", "ch/m2")).extracting(io.flywheel.api.feedback.PostShown::postId).containsExactly(posts.get(2).post().id());
        }
    }

    @Test
    void theMessageRecordIsFilledAlsoFromDeliveriesAnOlderFlywheelLeftInTheJournalOnly() {
        List<Lead> leads = new TestLeads(9).leads(2);
        List<OutboxEntry> posts = leads.stream().map(l -> new OutboxEntry("discord", io.flywheel.engine.lead.LeadPosts.toPost(l))).toList();
        try (MapDbStore store = open()) {
            store.write(new WriteBatch(leads, posts, List.of()));
        }
        MapDbStore store = open();
        // delivered as before API 1.3.0, then killed: the deliveries and their POSTED events are in the journal only
        store.delivered("discord", List.of(new Delivery(posts.get(0).post().id(), "ch/m1"), new Delivery(posts.get(1).post().id(), "ch/m1")));
        store.append(leads.stream().map(l -> new io.flywheel.engine.feedback.FeedbackEvent(clock.instant(), io.flywheel.engine.feedback.FeedbackEvent.Type.POSTED,
                l.key(), l.sourceId(), l.platform(), l.keywords(), null, l.score(), java.util.Map.of(), "discord")).toList());
        store.abandon();
        // the file as a store from before outbox.message left it
        forgetTheMessageRecord();
        try (MapDbStore reopened = open()) {
            assertThat(reopened.postsShown("discord", "ch/m1")).extracting(io.flywheel.api.feedback.PostShown::ref)
                    .containsExactly(leads.get(0).key(), leads.get(1).key());
        }
        try (MapDbStore again = open()) {
            assertThat(again.postsShown("discord", "ch/m1")).hasSize(2);
        }
    }

    @Test
    void anUpgradeThatCommitsAtOpenAndCrashesBeforeTheFillStillFillsTheMessageRecordAtTheNextOpen() {
        List<Lead> leads = new TestLeads(12).leads(2);
        List<OutboxEntry> posts = leads.stream().map(l -> new OutboxEntry("discord", io.flywheel.engine.lead.LeadPosts.toPost(l))).toList();
        try (MapDbStore store = open()) {
            store.write(new WriteBatch(leads, posts, List.of()));
            store.delivered("discord", List.of(new Delivery(posts.get(0).post().id(), "ch/m1"), new Delivery(posts.get(1).post().id(), "ch/m1")));
            store.append(leads.stream().map(l -> new io.flywheel.engine.feedback.FeedbackEvent(clock.instant(), io.flywheel.engine.feedback.FeedbackEvent.Type.POSTED,
                    l.key(), l.sourceId(), l.platform(), l.keywords(), null, l.score(), java.util.Map.of(), "discord")).toList());
        }
        // a store from before feedback.via and outbox.message: opening it commits the via index (and the empty message record) at once
        forgetFromCatalog(k -> k.startsWith("outbox.message") || k.startsWith("feedback.via#"));
        // killed after that commit, before the journal replayed and the fill ran
        Tables.open(MapDbFiles.open(dir.resolve("o.db")), dir.resolve("o.db")).close();
        try (MapDbStore reopened = open()) {
            assertThat(reopened.postsShown("discord", "ch/m1")).extracting(io.flywheel.api.feedback.PostShown::ref)
                    .containsExactly(leads.get(0).key(), leads.get(1).key());
        }
    }

    @Test
    void theFillGivesEachMessageItsPostsInTheOrderLoggedWithSeveralMessagesPerOutputAndSplitPosts() {
        List<Lead> leads = new ArrayList<>(new TestLeads(10).leads(8));
        Lead l3 = leads.get(3);
        String longTitle = "Staff engineer " + "x".repeat(200);
        leads.set(3, new Lead(l3.key(), l3.sourceId(), l3.platform(), longTitle, l3.url(), l3.body(), l3.company(), l3.location(), l3.compensation(),
                l3.published(), l3.foundAt(), l3.keywords(), l3.score()));
        java.util.function.IntFunction<String> id = i -> io.flywheel.engine.post.PostIds.ofLead(leads.get(i).key());
        List<OutboxEntry> posts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            posts.add(new OutboxEntry("discord", io.flywheel.engine.lead.LeadPosts.toPost(leads.get(i))));
        }
        posts.add(new OutboxEntry("slack", io.flywheel.engine.lead.LeadPosts.toPost(leads.get(0))));
        posts.add(new OutboxEntry("slack", io.flywheel.engine.lead.LeadPosts.toPost(leads.get(5))));
        posts.add(new OutboxEntry("slack", io.flywheel.engine.lead.LeadPosts.toPost(leads.get(6))));
        try (MapDbStore store = open()) {
            store.write(new WriteBatch(leads, posts, List.of()));
            // delivered as before API 1.3.0 (no message named): m1 shows 0, 1 and the head of 2; m2 the tail of 2 and 3; m3 shows 4
            store.delivered("discord", List.of(new Delivery(id.apply(0), "ch/m1"), new Delivery(id.apply(1), "ch/m1")),
                    List.of(new Partial(id.apply(2), "text:10:1:ab:ch/m1")));
            store.delivered("discord", List.of(new Delivery(id.apply(2), "ch/m2"), new Delivery(id.apply(3), "ch/m2")));
            store.delivered("discord", List.of(new Delivery(id.apply(4), "ch/m3")));
            // another output: lead 0 again, with 5; 6 refused; 7 never delivered
            store.delivered("slack", List.of(new Delivery(id.apply(0), "sl/s1"), new Delivery(id.apply(5), "sl/s1"),
                    new Delivery(id.apply(6), "refused: too long")));
            // POSTED events in an order other than the deliveries', interleaving outputs, lead 0 posted to discord twice
            int[][] logged = {{3, 0}, {0, 0}, {5, 1}, {2, 0}, {1, 0}, {0, 1}, {4, 0}, {6, 1}, {7, 0}, {0, 0}};
            List<io.flywheel.engine.feedback.FeedbackEvent> events = new ArrayList<>();
            for (int[] p : logged) {
                Lead l = leads.get(p[0]);
                events.add(new io.flywheel.engine.feedback.FeedbackEvent(clock.instant(), io.flywheel.engine.feedback.FeedbackEvent.Type.POSTED,
                        l.key(), l.sourceId(), l.platform(), l.keywords(), null, l.score(), java.util.Map.of(), p[1] == 0 ? "discord" : "slack"));
            }
            store.append(events);
        }
        forgetTheMessageRecord();
        java.util.function.IntFunction<io.flywheel.api.feedback.PostShown> shown = i -> new io.flywheel.api.feedback.PostShown(id.apply(i),
                leads.get(i).key(), leads.get(i).title().substring(0, Math.min(OutboxTable.TITLE, leads.get(i).title().length())));
        for (int open = 0; open < 2; open++) {
            try (MapDbStore store = open()) {
                assertThat(store.postsShown("discord", "ch/m1")).as("the head of 2 is not known to be in m1").containsExactly(shown.apply(0), shown.apply(1));
                assertThat(store.postsShown("discord", "ch/m2")).containsExactly(shown.apply(3), shown.apply(2));
                assertThat(store.postsShown("discord", "ch/m2").get(0).title()).hasSize(OutboxTable.TITLE).startsWith("Staff engineer x");
                assertThat(store.postsShown("discord", "ch/m3")).containsExactly(shown.apply(4));
                assertThat(store.postsShown("slack", "sl/s1")).containsExactly(shown.apply(5), shown.apply(0));
                assertThat(store.postsShown("slack", "refused: too long")).isEmpty();
                assertThat(store.postsShown("discord", "sl/s1")).isEmpty();
                assertThat(store.postsShown("slack", "ch/m1")).isEmpty();
            }
        }
    }

    @Test
    void theFillReplacesAMessageTheJournalReplayRecordedAndKeepsOneItDoesNotReach() {
        List<Lead> leads = new TestLeads(11).leads(3);
        java.util.function.IntFunction<String> id = i -> io.flywheel.engine.post.PostIds.ofLead(leads.get(i).key());
        List<OutboxEntry> posts = leads.stream().map(l -> new OutboxEntry("discord", io.flywheel.engine.lead.LeadPosts.toPost(l))).toList();
        try (MapDbStore store = open()) {
            store.write(new WriteBatch(leads, posts, List.of()));
        }
        MapDbStore store = open();
        // in the journal only: m1 named with 0, 1 and the head of 2, m2 with the tail of 2 only; POSTED logged 1 before 0
        store.delivered("discord", "ch/m1", List.of(new Delivery(id.apply(0), "ch/m1"), new Delivery(id.apply(1), "ch/m1")),
                List.of(new Partial(id.apply(2), "text:10:1:ab:ch/m1")));
        store.delivered("discord", "ch/m2", List.of(), List.of(new Partial(id.apply(2), "text:20:2:ab:ch/m2")));
        store.append(List.of(1, 0, 2).stream().map(leads::get).map(l -> new io.flywheel.engine.feedback.FeedbackEvent(clock.instant(),
                io.flywheel.engine.feedback.FeedbackEvent.Type.POSTED, l.key(), l.sourceId(), l.platform(), l.keywords(), null, l.score(),
                java.util.Map.of(), "discord")).toList());
        store.abandon();
        forgetTheMessageRecord();
        try (MapDbStore reopened = open()) {
            // the fill's own view of m1 (posts that ended there, in the order logged) replaces the replayed one, as a whole message
            assertThat(reopened.postsShown("discord", "ch/m1")).extracting(io.flywheel.api.feedback.PostShown::postId)
                    .containsExactly(id.apply(1), id.apply(0));
            assertThat(reopened.postsShown("discord", "ch/m2")).extracting(io.flywheel.api.feedback.PostShown::postId).containsExactly(id.apply(2));
        }
    }

    /** Leaves the file as a store from before {@code outbox.message} left it. */
    private void forgetTheMessageRecord() {
        forgetFromCatalog(k -> k.startsWith("outbox.message"));
    }

    /** The file as a store from before the structures {@code names} picks left it: they are dropped from its catalog. */
    private void forgetFromCatalog(java.util.function.Predicate<String> names) {
        org.mapdb.DB raw = MapDbFiles.open(dir.resolve("o.db"));
        java.util.SortedMap<String, String> catalog = raw.nameCatalogLoad();
        assertThat(catalog.keySet().removeIf(names)).isTrue();
        raw.nameCatalogSave(catalog);
        raw.commit();
        raw.close();
    }
}
