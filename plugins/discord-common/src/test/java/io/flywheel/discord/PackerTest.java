package io.flywheel.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flywheel.api.output.Post;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PackerTest {
    private static final DiscordLimits SMALL = new DiscordLimits(40, 3, 100, 256, 4096, 25, 256, 1024, 2048);

    @Test
    void embedPackingNeedsNoMoreMessagesThanTheBruteForceMinimum() {
        Random random = new Random(6);
        for (int round = 0; round < 400; round++) {
            int n = 1 + random.nextInt(13);
            List<Integer> lengths = IntStream.range(0, n).map(i -> 1 + random.nextInt(SMALL.embedTotal())).boxed().toList();
            List<List<Integer>> groups = Packer.groupEmbeds(lengths, SMALL);
            assertThat(groups.stream().flatMap(List::stream).toList()).as("order kept, nothing lost").isEqualTo(IntStream.range(0, n).boxed().toList());
            for (List<Integer> g : groups) {
                assertThat(g.size()).isLessThanOrEqualTo(SMALL.embedsPerMessage());
                assertThat(g.stream().mapToInt(lengths::get).sum()).isLessThanOrEqualTo(SMALL.embedTotal());
            }
            assertThat(groups).as("lengths %s", lengths).hasSize(bruteForceEmbeds(lengths, SMALL));
        }
    }

    @Test
    void textPackingNeedsNoMoreMessagesThanTheBruteForceMinimum() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            List<String> blocks = new ArrayList<>();
            int n = 1 + random.nextInt(5);
            for (int i = 0; i < n; i++) {
                blocks.add(randomBlock(random, random.nextInt(4) == 0 ? 70 : 30));
            }
            List<Packer.Unit> units = Packer.units(blocks, SMALL.content());
            if (units.size() > 15) {
                continue;
            }
            List<PackedMessage> messages = Packer.packText(blocks, SMALL.content());
            for (PackedMessage m : messages) {
                assertThat(m.content().length()).as("message within the limit: %s", m.content()).isLessThanOrEqualTo(SMALL.content());
            }
            assertThat(wordsOf(messages)).as("every word, in order").isEqualTo(wordsOf(blocks));
            assertThat(messages).as("blocks %s", blocks).hasSize(bruteForceText(units, SMALL.content()));
            for (int b = 0; b < blocks.size(); b++) {
                int block = b;
                long holding = messages.stream().filter(m -> m.posts().contains(block)).count();
                if (blocks.get(b).strip().length() <= SMALL.content()) {
                    assertThat(holding).as("a block that fits a message is never split").isEqualTo(1);
                }
                assertThat(messages.stream().filter(m -> completed(m).contains(block)).count()).isEqualTo(1);
                List<PackedMessage.Piece> pieces = messages.stream().flatMap(m -> m.pieces().stream()).filter(p -> p.post() == block).toList();
                assertThat(wordsOf(pieces.stream().map(PackedMessage.Piece::text).toList())).as("the pieces of block %d are its words, in order", b)
                        .isEqualTo(wordsOf(List.of(blocks.get(b))));
                assertThat(pieces).extracting(PackedMessage.Piece::first).as("only the first piece starts the block")
                        .isEqualTo(IntStream.range(0, pieces.size()).mapToObj(i -> i == 0).toList());
                assertThat(pieces).extracting(PackedMessage.Piece::last).as("only the last piece ends the block")
                        .isEqualTo(IntStream.range(0, pieces.size()).mapToObj(i -> i == pieces.size() - 1).toList());
            }
        }
    }

    @Test
    void aBlockLongerThanAMessageSplitsAtWordBoundaries() {
        String para = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
        List<PackedMessage> messages = Packer.packText(List.of("short one", para), 20);
        assertThat(messages).extracting(PackedMessage::content)
                .containsExactly("short one\n\nalpha", "beta gamma delta", "epsilon zeta eta", "theta iota kappa", "lambda mu");
        assertThat(completed(messages.getFirst())).containsExactly(0);
        assertThat(completed(messages.getLast())).containsExactly(1);
        // Which part of which post each message carries: the tail of one post and the head of the next can share a message.
        assertThat(messages.getFirst().pieces()).containsExactly(new PackedMessage.Piece(0, "short one", null, true, true),
                new PackedMessage.Piece(1, "alpha", null, true, false));
        // end: how much of the post's text is shown once the piece is (where a later attempt would go on)
        assertThat(messages.get(1).pieces()).containsExactly(new PackedMessage.Piece(1, "beta gamma delta", null, false, false, 22));
        assertThat(messages.getLast().pieces()).containsExactly(new PackedMessage.Piece(1, "lambda mu", null, false, true, para.length()));
        assertThat(messages.getFirst().without(java.util.Set.of(1)).content()).isEqualTo("short one");
        assertThat(messages.get(1).without(java.util.Set.of(1))).isNull();
    }

    @Test
    void aPackedMessageRefusesPiecesThatCannotMakeOneMessage() {
        Embed embed = new Embed("t", null, null, null, List.of(), null, null);
        assertThatThrownBy(() -> new PackedMessage(List.of())).isInstanceOf(IllegalArgumentException.class).hasMessage("a message needs at least one piece");
        assertThatThrownBy(() -> new PackedMessage.Piece(2, "text", embed, true, true)).hasMessage("piece of post 2: exactly one of text and embed, found both");
        assertThatThrownBy(() -> new PackedMessage.Piece(3, null, null, true, true)).hasMessage("piece of post 3: exactly one of text and embed, found neither");
        assertThatThrownBy(() -> new PackedMessage(List.of(new PackedMessage.Piece(0, "a", null, true, true), new PackedMessage.Piece(1, null, embed, true, true))))
                .hasMessageStartingWith("a message is all text or all embeds, found both in");
        assertThatThrownBy(() -> new PackedMessage(List.of(new PackedMessage.Piece(4, "a", null, true, false), new PackedMessage.Piece(4, "b", null, false, true))))
                .hasMessage("a message carries at most one piece of each post, found [4, 4]");
        assertThatThrownBy(() -> PackedMessage.ofEmbeds(List.of(0, 1), List.of(embed))).hasMessage("2 posts but 1 embeds");
    }

    @Test
    void aWordLongerThanAMessageIsCutHard() {
        List<PackedMessage> messages = Packer.packText(List.of("x".repeat(45)), 20);
        assertThat(messages).extracting(m -> m.content().length()).containsExactly(20, 20, 5);
    }

    @Test
    void packsRealisticLeadsTenToAMessage() {
        PostRenderer renderer = new PostRenderer(DiscordLimits.DISCORD, 280);
        Packer packer = new Packer(DiscordLimits.DISCORD, renderer, Packer.Mode.EMBEDS);
        List<Post> posts = IntStream.range(0, 95).mapToObj(i -> lead(i, "word ".repeat(100))).toList();
        List<PackedMessage> messages = packer.pack(posts);
        assertThat(messages).hasSize(10);
        assertThat(messages.getFirst().embeds()).hasSize(10);
        assertThat(messages.getLast().embeds()).hasSize(5);
    }

    @Test
    void longEmbedsFillMessagesByCharacters() {
        PostRenderer renderer = new PostRenderer(DiscordLimits.DISCORD, 4096);
        Packer packer = new Packer(DiscordLimits.DISCORD, renderer, Packer.Mode.EMBEDS);
        List<Post> posts = IntStream.range(0, 6).mapToObj(i -> lead(i, "word ".repeat(500))).toList();
        List<PackedMessage> messages = packer.pack(posts);
        for (PackedMessage m : messages) {
            assertThat(m.embeds().stream().mapToInt(Embed::length).sum()).isLessThanOrEqualTo(6000);
        }
        int perEmbed = messages.getFirst().embeds().getFirst().length();
        assertThat(messages).hasSize((int) Math.ceil(6.0 / (6000 / perEmbed)));
    }

    static Post lead(int i, String body) {
        return new Post("p" + i, Post.Kind.LEAD, "https://example.org/jobs/" + i, "Senior backend engineer #" + i + " at Example",
                "https://example.org/jobs/" + i, body,
                List.of(new Post.Field("Company", "Example Corp", true), new Post.Field("Score", "7.5", true), new Post.Field("Platform", "hackernews", true)),
                Instant.parse("2026-01-05T09:00:00Z"));
    }

    /** The fewest messages over every way to cut the sequence into consecutive runs. */
    static int bruteForceEmbeds(List<Integer> lengths, DiscordLimits limits) {
        int n = lengths.size();
        int best = Integer.MAX_VALUE;
        for (int cuts = 0; cuts < 1 << (n - 1); cuts++) {
            int messages = 1;
            int count = 0;
            int total = 0;
            boolean ok = true;
            for (int i = 0; i < n && ok; i++) {
                if (i > 0 && (cuts & 1 << (i - 1)) != 0) {
                    messages++;
                    count = 0;
                    total = 0;
                }
                count++;
                total += lengths.get(i);
                ok = count <= limits.embedsPerMessage() && total <= limits.embedTotal();
            }
            if (ok) {
                best = Math.min(best, messages);
            }
        }
        return best;
    }

    /** The fewest messages over every cut between never-split units, each message rendered and measured. */
    static int bruteForceText(List<Packer.Unit> units, int max) {
        int n = units.size();
        int best = Integer.MAX_VALUE;
        for (int cuts = 0; cuts < 1 << (n - 1); cuts++) {
            int messages = 0;
            StringBuilder current = new StringBuilder();
            boolean ok = true;
            for (int i = 0; i < n && ok; i++) {
                Packer.Unit u = units.get(i);
                if (i == 0 || (cuts & 1 << (i - 1)) != 0) {
                    ok = current.length() <= max;
                    messages++;
                    current = new StringBuilder(u.word());
                } else {
                    current.append(u.first() ? "\n\n" : u.space()).append(u.word());
                }
            }
            ok = ok && current.length() <= max;
            if (ok) {
                best = Math.min(best, messages);
            }
        }
        return best;
    }

    private static String randomBlock(Random random, int approxLength) {
        StringBuilder b = new StringBuilder();
        while (b.length() < approxLength) {
            if (!b.isEmpty()) {
                b.append(random.nextInt(5) == 0 ? "\n" : " ");
            }
            b.append("abcdefghijklmnopqrstuvwxyz", 0, 1 + random.nextInt(random.nextInt(8) == 0 ? 26 : 8));
        }
        return b.toString();
    }

    private static List<String> wordsOf(List<?> texts) {
        List<String> words = new ArrayList<>();
        for (Object t : texts) {
            String s = t instanceof PackedMessage m ? m.content() : (String) t;
            for (String w : s.strip().split("\\s+")) {
                if (!w.isEmpty()) words.add(w);
            }
        }
        return words;
    }

    /** The posts whose last piece a message carries: delivered once it is accepted. */
    private static List<Integer> completed(PackedMessage m) {
        return m.pieces().stream().filter(PackedMessage.Piece::last).map(PackedMessage.Piece::post).toList();
    }

    @Test
    void aContinuedPostAfterAnotherInOneMessageCountsTheBlankLineBetweenThem() {
        // the rest of block 1 (10 characters from 11 on) follows block 0 (9): 9 + 2 + 10 = 21, over 20
        List<String> blocks = List.of("x".repeat(9), "y".repeat(10) + " " + "z".repeat(10));
        List<PackedMessage> messages = Packer.packText(blocks, new int[] {0, 11}, 20);
        assertThat(messages).allSatisfy(m -> assertThat(m.content().length()).isLessThanOrEqualTo(20));
        assertThat(messages).extracting(PackedMessage::content).containsExactly("x".repeat(9), "z".repeat(10));
        // continued with several words: the first of them also pays for the blank line
        List<String> long1 = List.of("x".repeat(9), "y".repeat(10) + " " + "z".repeat(10) + " " + "w".repeat(12));
        assertThat(Packer.packText(long1, new int[] {0, 11}, 20)).allSatisfy(m -> assertThat(m.content().length()).isLessThanOrEqualTo(20));
    }
}
