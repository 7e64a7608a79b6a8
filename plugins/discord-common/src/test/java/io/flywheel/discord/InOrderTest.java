package io.flywheel.discord;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Post;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The in-order sender both Discord outputs use, against a scripted Discord. */
class InOrderTest {
    private final Packer packer = new Packer(DiscordLimits.DISCORD, new PostRenderer(DiscordLimits.DISCORD, 280), Packer.Mode.EMBEDS);
    private final List<List<String>> sent = new ArrayList<>(); // the post ids of each message Discord was asked to take
    private final List<Delivery> reported = new ArrayList<>();
    private final List<String> isolated = new ArrayList<>();

    private static List<Post> posts(int n) {
        return IntStream.range(0, n).mapToObj(i -> new Post("p" + i, Post.Kind.LEAD, null, "Lead " + i, null, "body", List.of(),
                Instant.parse("2026-01-05T09:00:00Z"))).toList();
    }

    /** Refuses any message that shows {@code bad}; after {@code takeAtMost} messages, takes none. */
    private InOrder.Sender discord(String bad, int takeAtMost) {
        return (m, batch) -> {
            List<String> ids = m.posts().stream().map(i -> batch.get(i).id()).toList();
            sent.add(ids);
            if (ids.contains(bad)) {
                return CompletableFuture.completedFuture(new InOrder.Outcome.Refused("embeds[0].url: bad " + bad));
            }
            if (sent.size() > takeAtMost) {
                return CompletableFuture.completedFuture(new InOrder.Outcome.NotSent());
            }
            return CompletableFuture.completedFuture(new InOrder.Outcome.Sent("m" + sent.size()));
        };
    }

    private List<Delivery> send(List<Post> posts, InOrder.Sender discord) {
        return InOrder.send(posts, packer.pack(posts), discord, reported::addAll, (n, why) -> isolated.add(n + ": " + why)).join();
    }

    @Test
    void aRefusedMessageIsSentAgainOnePostAtATimeAndOnlyThePostAtFaultIsRefused() {
        List<Post> posts = posts(12); // 10 embeds per message: two messages
        List<Delivery> d = send(posts, discord("p3", 100));

        assertThat(sent).containsExactly(List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"),
                List.of("p0"), List.of("p1"), List.of("p2"), List.of("p3"), List.of("p4"), List.of("p5"), List.of("p6"), List.of("p7"), List.of("p8"),
                List.of("p9"), List.of("p10", "p11"));
        assertThat(isolated).containsExactly("10: embeds[0].url: bad p3");
        assertThat(d).isEqualTo(reported).hasSize(12);
        assertThat(d.get(3)).isEqualTo(Delivery.refused("p3", "embeds[0].url: bad p3"));
        assertThat(d).filteredOn(x -> !x.refused()).extracting(Delivery::postId).containsExactly("p0", "p1", "p2", "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11");
        assertThat(d.getLast()).isEqualTo(new Delivery("p11", "m12"));
    }

    @Test
    void aMessageNotSentStopsTheBatchThereAndWhatCameBeforeIsDelivered() {
        List<Post> posts = posts(12);
        List<Delivery> d = send(posts, discord("p3", 4)); // Discord takes no message after its fourth

        assertThat(sent).hasSize(6); // the packed message, p0, p1, p2, p3 (refused), p4 (not taken)
        assertThat(d).extracting(Delivery::postId).containsExactly("p0", "p1", "p2", "p3");
        assertThat(d.get(3).refused()).isTrue();
    }

    // Text mode, 40 characters to a message: a post with a long body is split over several messages.
    private final Packer text = new Packer(new DiscordLimits(40, 10, 6000, 256, 4096, 25, 256, 1024, 2048), new PostRenderer(DiscordLimits.DISCORD, 280),
            Packer.Mode.TEXT);
    private final List<String> asked = new ArrayList<>(); // the content of each message Discord was asked to take
    private final List<String> shown = new ArrayList<>(); // the content of each message it took, as the channel shows them

    private static Post post(String id, String body) {
        return new Post(id, Post.Kind.LEAD, null, id.toUpperCase(java.util.Locale.ROOT), null, body, List.of(), Instant.parse("2026-01-05T09:00:00Z"));
    }

    /** {@code prefix}00 to {@code prefix}{n-1}: words each 4 characters with their space, all different. */
    private static String words(String prefix, int n) {
        return String.join(" ", IntStream.range(0, n).mapToObj(i -> prefix + String.format("%02d", i)).toList());
    }

    /** Refuses any message whose content has {@code bad}; after {@code takeAtMost} messages, takes none. */
    private InOrder.Sender textDiscord(String bad, int takeAtMost) {
        return (m, batch) -> {
            asked.add(m.content());
            if (m.content().contains(bad)) {
                return CompletableFuture.completedFuture(new InOrder.Outcome.Refused("content: bad word"));
            }
            if (asked.size() > takeAtMost) {
                return CompletableFuture.completedFuture(new InOrder.Outcome.NotSent());
            }
            shown.add(m.content());
            return CompletableFuture.completedFuture(new InOrder.Outcome.Sent("m" + asked.size()));
        };
    }

    private List<Delivery> sendText(List<Post> posts, InOrder.Sender discord) {
        return InOrder.send(posts, text.pack(posts), discord, reported::addAll, (n, why) -> isolated.add(n + ": " + why)).join();
    }

    /** Every word the channel shows, in order; each post's words are all different, so a word twice is text sent twice. */
    private List<String> shownWords() {
        return shown.stream().flatMap(c -> java.util.Arrays.stream(c.split("\\s+"))).toList();
    }

    private List<String> packed(List<Post> posts) {
        return text.pack(posts).stream().map(PackedMessage::content).toList();
    }

    @Test
    void aRefusedMessageWithOnlyTheTailOfASplitPostDoesNotSendItsHeadAgain() {
        List<Post> posts = List.of(post("p0", "x0"), post("p1", words("a", 20) + " BAD"), post("p2", "z0"));
        assertThat(packed(posts)).as("p1 is split; its tail and p2 share the last message").containsExactly(
                "**P0**\nx0\n\n**P1**\na00 a01 a02 a03 a04", "a05 a06 a07 a08 a09 a10 a11 a12 a13 a14", "a15 a16 a17 a18 a19 BAD\n\n**P2**\nz0");
        List<Delivery> d = sendText(posts, textDiscord("BAD", 100));

        assertThat(shownWords()).doesNotHaveDuplicates();
        assertThat(shown).containsExactly("**P0**\nx0\n\n**P1**\na00 a01 a02 a03 a04", "a05 a06 a07 a08 a09 a10 a11 a12 a13 a14", "**P2**\nz0");
        assertThat(asked).containsExactly("**P0**\nx0\n\n**P1**\na00 a01 a02 a03 a04", "a05 a06 a07 a08 a09 a10 a11 a12 a13 a14",
                "a15 a16 a17 a18 a19 BAD\n\n**P2**\nz0", "a15 a16 a17 a18 a19 BAD", "**P2**\nz0");
        assertThat(isolated).containsExactly("2: content: bad word");
        assertThat(d).isEqualTo(reported).extracting(Delivery::postId).containsExactly("p0", "p1", "p2");
        assertThat(d.get(0)).isEqualTo(new Delivery("p0", "m1"));
        assertThat(d.get(1).refused()).isTrue();
        assertThat(d.get(1).messageRef()).isEqualTo("content: bad word (its first 2 parts were posted, the last in m2)");
        assertThat(d.get(2)).isEqualTo(new Delivery("p2", "m5"));
    }

    @Test
    void aPostRefusedInTheMiddleOfItsSplitShowsNothingMoreOfItAndTheNextPostStillGoes() {
        List<Post> posts = List.of(post("p0", "x0"), post("p1", words("a", 30)), post("p2", "z0"));
        assertThat(packed(posts)).as("p1's tail spans three messages; the last is shared with p2").containsExactly(
                "**P0**\nx0\n\n**P1**\na00 a01 a02 a03 a04", "a05 a06 a07 a08 a09 a10 a11 a12 a13 a14", "a15 a16 a17 a18 a19 a20 a21 a22 a23 a24",
                "a25 a26 a27 a28 a29\n\n**P2**\nz0");
        List<Delivery> d = sendText(posts, textDiscord("a10", 100)); // the second message, p1 alone, is refused

        assertThat(asked).containsExactly("**P0**\nx0\n\n**P1**\na00 a01 a02 a03 a04", "a05 a06 a07 a08 a09 a10 a11 a12 a13 a14", "**P2**\nz0");
        assertThat(shown).containsExactly("**P0**\nx0\n\n**P1**\na00 a01 a02 a03 a04", "**P2**\nz0");
        assertThat(isolated).isEmpty();
        assertThat(d).isEqualTo(reported).containsExactly(new Delivery("p0", "m1"),
                Delivery.refused("p1", "content: bad word (its first part was posted, in m1)"), new Delivery("p2", "m3"));
    }

    /** p1 ends in the message where p2, longer than a message, starts. */
    private static List<Post> tailAndHead() {
        return List.of(post("p0", "x0"), post("p1", words("a", 12)), post("p2", words("b", 20)), post("p3", "z0"));
    }

    private static final List<String> TAIL_AND_HEAD = List.of("**P0**\nx0\n\n**P1**\na00 a01 a02 a03 a04", "a05 a06 a07 a08 a09 a10 a11\n\n**P2**\nb00",
            "b01 b02 b03 b04 b05 b06 b07 b08 b09 b10", "b11 b12 b13 b14 b15 b16 b17 b18 b19", "**P3**\nz0");

    @Test
    void aMessageWithTheTailOfOnePostAndTheHeadOfTheNextRefusedForTheTail() {
        assertThat(packed(tailAndHead())).isEqualTo(TAIL_AND_HEAD);
        List<Delivery> d = sendText(tailAndHead(), textDiscord("a08", 100));

        assertThat(asked).containsExactly(TAIL_AND_HEAD.get(0), TAIL_AND_HEAD.get(1), "a05 a06 a07 a08 a09 a10 a11", "**P2**\nb00", TAIL_AND_HEAD.get(2),
                TAIL_AND_HEAD.get(3), TAIL_AND_HEAD.get(4));
        assertThat(shownWords()).doesNotHaveDuplicates().containsSubsequence("**P2**", "b00", "b01", "b19", "**P3**").doesNotContain("a05");
        assertThat(isolated).containsExactly("2: content: bad word");
        assertThat(d).isEqualTo(reported).containsExactly(new Delivery("p0", "m1"),
                Delivery.refused("p1", "content: bad word (its first part was posted, in m1)"), new Delivery("p2", "m6"), new Delivery("p3", "m7"));
    }

    @Test
    void aMessageWithTheTailOfOnePostAndTheHeadOfTheNextRefusedForTheHead() {
        List<Delivery> d = sendText(tailAndHead(), textDiscord("b00", 100));

        assertThat(asked).containsExactly(TAIL_AND_HEAD.get(0), TAIL_AND_HEAD.get(1), "a05 a06 a07 a08 a09 a10 a11", "**P2**\nb00",
                TAIL_AND_HEAD.get(4)); // p2's other pieces are left out, and with them the two messages that had nothing else
        assertThat(shown).containsExactly(TAIL_AND_HEAD.get(0), "a05 a06 a07 a08 a09 a10 a11", "**P3**\nz0");
        assertThat(d).isEqualTo(reported).containsExactly(new Delivery("p0", "m1"), new Delivery("p1", "m3"),
                Delivery.refused("p2", "content: bad word"), new Delivery("p3", "m5"));
    }

    @Test
    void aPostRefusedAfterSeveralOfItsPartsWentOutSaysSo() {
        List<Delivery> d = sendText(tailAndHead(), textDiscord("b15", 100)); // p2's last piece, alone in its message

        assertThat(asked).isEqualTo(TAIL_AND_HEAD);
        assertThat(shownWords()).doesNotHaveDuplicates();
        assertThat(d).isEqualTo(reported).containsExactly(new Delivery("p0", "m1"), new Delivery("p1", "m2"),
                Delivery.refused("p2", "content: bad word (its first 2 parts were posted, the last in m3)"), new Delivery("p3", "m5"));
    }

    @Test
    void aMessageRefusedAsAWholeIsSentPieceByPieceAndEveryPostIsDeliveredOnce() {
        InOrder.Sender onePostAtATime = (m, batch) -> { // refuses any message that shows more than one post, for the whole of it
            asked.add(m.content());
            if (m.pieces().size() > 1) {
                return CompletableFuture.completedFuture(new InOrder.Outcome.Refused("components: too many"));
            }
            shown.add(m.content());
            return CompletableFuture.completedFuture(new InOrder.Outcome.Sent("m" + asked.size()));
        };
        List<Delivery> d = sendText(tailAndHead(), onePostAtATime);

        assertThat(shown).containsExactly("**P0**\nx0", "**P1**\na00 a01 a02 a03 a04", "a05 a06 a07 a08 a09 a10 a11", "**P2**\nb00",
                TAIL_AND_HEAD.get(2), "b11 b12 b13 b14 b15 b16 b17 b18 b19", "**P3**\nz0");
        assertThat(isolated).containsExactly("2: components: too many", "2: components: too many");
        assertThat(d).isEqualTo(reported).containsExactly(new Delivery("p0", "m2"), new Delivery("p1", "m5"), new Delivery("p2", "m8"),
                new Delivery("p3", "m9"));
    }

    @Test
    void aPieceNotSentWhileIsolatingStopsTheBatchAndTheRestStaysQueued() {
        List<Delivery> d = sendText(tailAndHead(), textDiscord("a08", 3)); // Discord takes nothing after the refused piece

        assertThat(asked).containsExactly(TAIL_AND_HEAD.get(0), TAIL_AND_HEAD.get(1), "a05 a06 a07 a08 a09 a10 a11", "**P2**\nb00");
        assertThat(d).isEqualTo(reported).extracting(Delivery::postId).containsExactly("p0", "p1");
        assertThat(d.get(1).refused()).isTrue();
    }

    // A host between attempts: each post's last mark, kept until the post is delivered.
    private final java.util.Map<String, String> marks = new java.util.HashMap<>();
    private final List<String> sentWhole = new ArrayList<>();
    private final io.flywheel.api.output.Receipts host = new io.flywheel.api.output.Receipts() {
        @Override
        public void accepted(List<Delivery> deliveries, List<io.flywheel.api.output.Partial> partials) {
            reported.addAll(deliveries);
            deliveries.forEach(d -> marks.remove(d.postId()));
            partials.forEach(p -> marks.put(p.postId(), p.mark()));
        }

        @Override
        public java.util.Optional<String> partial(String postId) {
            return java.util.Optional.ofNullable(marks.get(postId));
        }
    };

    private List<Delivery> attempt(Packer packer, List<Post> posts, InOrder.Sender discord) {
        return InOrder.send(posts, packer, discord, host, (n, why) -> isolated.add(n + ": " + why), sentWhole::add).join();
    }

    /** p1 takes four messages: its head shares the first with p0, its tail the last with p2. */
    private static List<Post> longInTheMiddle() {
        return List.of(post("p0", "x0"), post("p1", words("a", 30)), post("p2", "z0"));
    }

    @Test
    void aSplitPostCutShortGoesOnFromWhereItWasLeftNextTime() {
        List<Post> posts = longInTheMiddle();
        List<Delivery> first = attempt(text, posts, textDiscord("none", 2)); // Discord takes two messages, then none

        assertThat(first).containsExactly(new Delivery("p0", "m1"));
        Shown mark = Shown.parse(marks.get("p1")).orElseThrow();
        assertThat(mark).as("p1's text is '**P1**\\na00 ... a29'; a14 ends at 66").isEqualTo(new Shown(66, 2, "m2", text.fingerprint(posts.get(1))));

        // The host offers what is still queued: p1 and p2.
        List<Delivery> second = attempt(text, posts.subList(1, 3), textDiscord("none", 100));

        assertThat(asked.subList(3, asked.size())).containsExactly("a15 a16 a17 a18 a19 a20 a21 a22 a23 a24", "a25 a26 a27 a28 a29\n\n**P2**\nz0");
        assertThat(shownWords()).as("every word once, in order").doesNotHaveDuplicates().containsSubsequence("**P0**", "x0", "**P1**", "a00", "a14", "a15",
                "a29", "**P2**", "z0").hasSize(35);
        assertThat(second).containsExactly(new Delivery("p1", "m5"), new Delivery("p2", "m5"));
        assertThat(marks).isEmpty();
        assertThat(sentWhole).isEmpty();
    }

    @Test
    void aContinuedPostRefusedLaterCountsThePartsOfEveryAttempt() {
        List<Post> posts = longInTheMiddle();
        attempt(text, posts, textDiscord("none", 2));
        List<Delivery> second = attempt(text, posts.subList(1, 3), textDiscord("a20", 100));

        assertThat(second).containsExactly(Delivery.refused("p1", "content: bad word (its first 2 parts were posted, the last in m2)"),
                new Delivery("p2", "m5"));
        assertThat(shownWords()).doesNotHaveDuplicates().doesNotContain("a15", "a29");
    }

    @Test
    void aMarkThatNoLongerFitsThePostIsSaidAndThePostIsSentWhole() {
        List<Post> posts = longInTheMiddle();
        marks.put("p1", new Shown(66, 2, "m2", "0000000000000000").mark()); // shown when the post read differently
        marks.put("p2", "garbage");
        attempt(text, posts.subList(1, 3), textDiscord("none", 100));

        assertThat(asked.getFirst()).startsWith("**P1**\na00");
        assertThat(sentWhole).containsExactly(
                "post p1 ('P1') was partly posted before (text:66:2:0000000000000000:m2) but its text is not the same now; sending it whole, so its first part shows twice",
                "post p2 ('P2') was partly posted before (garbage) but that mark is not one this output wrote; sending it whole, so its first part shows twice");

        marks.put("p1", new Shown(66, 2, "m2", text.fingerprint(posts.get(1))).mark());
        attempt(packer, posts.subList(1, 2), discord("none", 100)); // embeds now: a post is one embed, never continued
        assertThat(sentWhole.getLast()).contains("post p1", "embeds are on now");
        assertThat(sent.getLast()).containsExactly("p1");
    }

    @Test
    void eachPostIsRenderedAndFingerprintedOncePerSendAlsoWhenItIsContinued() {
        Map<String, Integer> renders = new java.util.concurrent.ConcurrentHashMap<>(), hashes = new java.util.concurrent.ConcurrentHashMap<>();
        PostRenderer renderer = new PostRenderer(DiscordLimits.DISCORD, 280);
        Packer counting = new Packer(new DiscordLimits(40, 10, 6000, 256, 4096, 25, 256, 1024, 2048), renderer::embed, p -> {
            renders.merge(p.id(), 1, Integer::sum);
            return renderer.text(p);
        }, t -> {
            hashes.merge(t.substring(0, t.indexOf('\n')), 1, Integer::sum);
            return Shown.fingerprint(t);
        }, Packer.Mode.TEXT);
        List<Post> posts = longInTheMiddle();

        attempt(counting, posts, textDiscord("none", 2)); // p1 is shown in part: its mark is reported twice, from one fingerprint
        assertThat(marks).containsKey("p1");
        assertThat(renders).isEqualTo(Map.of("p0", 1, "p1", 1, "p2", 1));
        assertThat(hashes).isEqualTo(Map.of("**P1**", 1));

        renders.clear();
        hashes.clear();
        attempt(counting, posts.subList(1, 3), textDiscord("none", 100)); // p1 goes on from its mark: checked, packed, no new mark
        assertThat(asked.get(3)).as("continued, not sent whole").startsWith("a15");
        assertThat(renders).isEqualTo(Map.of("p1", 1, "p2", 1));
        assertThat(hashes).isEqualTo(Map.of("**P1**", 1));
    }

    @Test
    void aMarkReadsBackWhateverItsMessageReferenceHolds() {
        Shown shown = new Shown(12, 3, "1500000000000000001/1400000000000000007:x", "ab12");
        assertThat(Shown.parse(shown.mark())).hasValue(shown);
        assertThat(Shown.parse("text:0:1:ab:m1")).as("nothing shown is no mark").isEmpty();
        assertThat(Shown.parse("text:12:x:ab:m1")).isEmpty();
        assertThat(Shown.parse("embeds:1")).isEmpty();
    }
}
