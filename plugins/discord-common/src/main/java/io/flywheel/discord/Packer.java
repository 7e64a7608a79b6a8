package io.flywheel.discord;

import io.flywheel.api.output.Post;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Packs posts into the fewest Discord messages the limits allow, keeping their order.
 *
 * <p>Embed mode: each post is one embed (the renderer keeps every embed within the limits on its
 * own); a message takes embeds while it has fewer than {@link DiscordLimits#embedsPerMessage()}
 * and the total stays within {@link DiscordLimits#embedTotal()}. Text mode: each post is a block
 * of lines; blocks are joined with a blank line while the content stays within
 * {@link DiscordLimits#content()}; a block is split only when it alone is longer than a message,
 * then at word boundaries (hard only inside a word longer than a message).
 *
 * <p>Both are greedy: each message takes the longest run of what follows that fits. Because any
 * run inside a run that fits also fits, greedy needs no more messages than any other split that
 * keeps the order (the i-th greedy message always ends at or after the i-th message of any other
 * split), so it is optimal. {@code PackerTest} checks that against brute force.
 */
public final class Packer {
    /** Between two posts in text mode: a blank line. */
    static final String SEPARATOR = "\n\n";

    /** How posts are shown. */
    public enum Mode { EMBEDS, TEXT }

    private final DiscordLimits limits;
    private final Function<Post, Embed> embed;
    private final Function<Post, String> render;
    private final Function<String, String> fingerprint;
    private final Mode mode;

    public Packer(DiscordLimits limits, PostRenderer renderer, Mode mode) {
        this(limits, renderer::embed, renderer::text, Shown::fingerprint, mode);
    }

    /** With how a post is rendered (as an embed, as text) and a text fingerprinted given: a test counts how often each runs. */
    Packer(DiscordLimits limits, Function<Post, Embed> embed, Function<Post, String> render, Function<String, String> fingerprint, Mode mode) {
        this.limits = limits;
        this.embed = embed;
        this.render = render;
        this.fingerprint = fingerprint;
        this.mode = mode;
    }

    public Mode mode() {
        return mode;
    }

    /** The messages that show {@code posts}, in order. */
    public List<PackedMessage> pack(List<Post> posts) {
        return render(posts).pack(Map.of());
    }

    /** The fingerprint of {@code post}'s text as this packer packs it, for {@link Shown} (tests). */
    String fingerprint(Post post) {
        return render(List.of(post)).fingerprint(0);
    }

    /**
     * {@code posts} as this packer shows them, each rendered once (on first use), its text
     * fingerprinted at most once: one send checks marks against them, packs them and marks what it
     * showed of them from this, not from the posts again.
     */
    public Rendered render(List<Post> posts) {
        return new Rendered(posts);
    }

    /** Posts rendered (and their texts fingerprinted) once, on first use; safe to use from several threads. */
    public final class Rendered {
        private final List<Post> posts;
        private final String[] blocks;
        private final String[] fingerprints;

        private Rendered(List<Post> posts) {
            this.posts = List.copyOf(posts);
            this.blocks = new String[posts.size()];
            this.fingerprints = new String[posts.size()];
        }

        /** Post {@code i}'s text as packed: rendered, stripped, a dash when empty. Pieces' {@code end}s count in it. */
        private synchronized String text(int i) {
            if (blocks[i] == null) {
                blocks[i] = block(render.apply(posts.get(i)));
            }
            return blocks[i];
        }

        /** The fingerprint of post {@code i}'s text, for {@link Shown}. */
        public synchronized String fingerprint(int i) {
            if (fingerprints[i] == null) {
                fingerprints[i] = fingerprint.apply(text(i));
            }
            return fingerprints[i];
        }

        /** Whether post {@code i} can go on from {@code shown}: text mode, the same text as then, something left. */
        public boolean continues(int i, Shown shown) {
            return mode == Mode.TEXT && shown.chars() < text(i).length() && shown.fingerprint().equals(fingerprint(i));
        }

        /** The messages that show the posts, in order, each in {@code shown} (by index) that {@link #continues} from there on. */
        public List<PackedMessage> pack(Map<Integer, Shown> shown) {
            if (mode == Mode.EMBEDS) {
                List<Embed> embeds = posts.stream().map(embed).toList();
                List<PackedMessage> out = new ArrayList<>();
                for (List<Integer> group : groupEmbeds(embeds.stream().map(Embed::length).toList(), limits)) {
                    out.add(PackedMessage.ofEmbeds(group, group.stream().map(embeds::get).toList()));
                }
                return out;
            }
            List<String> texts = new ArrayList<>(posts.size());
            int[] from = new int[posts.size()];
            for (int i = 0; i < posts.size(); i++) {
                texts.add(text(i));
                Shown s = shown.get(i);
                from[i] = s != null && continues(i, s) ? s.chars() : 0;
            }
            return packText(texts, from, limits.content());
        }
    }

    private static String block(String text) {
        String t = text.strip();
        return t.isEmpty() ? "-" : t;
    }

    /** Groups embeds of the given lengths into consecutive runs, one per message. */
    static List<List<Integer>> groupEmbeds(List<Integer> lengths, DiscordLimits limits) {
        List<List<Integer>> groups = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < lengths.size(); i++) {
            int len = lengths.get(i);
            if (len > limits.embedTotal()) {
                throw new IllegalArgumentException("embed " + i + " has " + len + " characters, more than the " + limits.embedTotal() + " a message allows");
            }
            if (!current.isEmpty() && (current.size() == limits.embedsPerMessage() || total + len > limits.embedTotal())) {
                groups.add(current);
                current = new ArrayList<>();
                total = 0;
            }
            current.add(i);
            total += len;
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    /**
     * A piece of text that is never split: a whole block (or the rest of a continued one), or one
     * word of a block too long for a message; {@code at} is where the word starts in its block.
     * {@code first}: the post starts here; {@code opens}: its block's first unit in this packing,
     * which follows another block after a blank line, whether it starts the post or continues it.
     */
    record Unit(int block, String space, String word, boolean first, boolean last, int at, boolean opens) {
        /** Characters added when this unit follows another in the same message. */
        int joinCost() {
            return opens ? SEPARATOR.length() : space.length();
        }
    }

    /** Packs text blocks into messages of at most {@code max} characters. */
    static List<PackedMessage> packText(List<String> blocks, int max) {
        return packText(blocks.stream().map(Packer::block).toList(), new int[blocks.size()], max);
    }

    /**
     * Packs text blocks (already {@link #block}s) into messages of at most {@code max} characters,
     * each block from {@code from[i]} on (0: whole).
     */
    static List<PackedMessage> packText(List<String> blocks, int[] from, int max) {
        List<PackedMessage> out = new ArrayList<>();
        List<PackedMessage.Piece> pieces = new ArrayList<>(); // the message being filled, but its last piece
        StringBuilder piece = new StringBuilder(); // the text of that last piece
        Unit start = null; // the first unit of that last piece
        Unit end = null; // the last unit of that last piece
        int length = 0; // of the message being filled
        for (Unit u : units(blocks, from, max)) {
            boolean fits = end == null || length + u.joinCost() + u.word().length() <= max;
            if (!fits || end != null && end.block() != u.block()) {
                pieces.add(new PackedMessage.Piece(end.block(), piece.toString(), null, start.first(), end.last(), end.at() + end.word().length()));
                piece.setLength(0);
                start = u;
            }
            if (!fits) {
                out.add(new PackedMessage(pieces));
                pieces = new ArrayList<>();
                length = 0;
            }
            if (start == null) {
                start = u;
            }
            if (!piece.isEmpty()) {
                piece.append(u.space());
            }
            length += (length == 0 ? 0 : u.joinCost()) + u.word().length();
            piece.append(u.word());
            end = u;
        }
        if (end != null) {
            pieces.add(new PackedMessage.Piece(end.block(), piece.toString(), null, start.first(), end.last(), end.at() + end.word().length()));
            out.add(new PackedMessage(pieces));
        }
        return out;
    }

    /** The never-split pieces of {@code blocks}, in order. */
    static List<Unit> units(List<String> blocks, int max) {
        return units(blocks.stream().map(Packer::block).toList(), new int[blocks.size()], max);
    }

    /** The never-split pieces of {@code blocks} ({@link #block}s), each from {@code from[b]} on. */
    static List<Unit> units(List<String> blocks, int[] from, int max) {
        List<Unit> units = new ArrayList<>();
        for (int b = 0; b < blocks.size(); b++) {
            String text = blocks.get(b);
            int start = from[b];
            while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
                start++;
            }
            boolean whole = start == 0;
            if (text.length() - start <= max) {
                // Fits a message: never split, whether the whole block or the rest of one continued.
                units.add(new Unit(b, "", text.substring(start), whole, true, start, true));
                continue;
            }
            List<Word> words = words(text, start, max);
            for (int w = 0; w < words.size(); w++) {
                units.add(new Unit(b, words.get(w).space(), words.get(w).word(), whole && w == 0, w == words.size() - 1, words.get(w).at(), w == 0));
            }
        }
        return units;
    }

    /** A word of a block, the whitespace before it, and where it starts in the block. */
    private record Word(String space, String word, int at) {}

    /** The words of {@code text} from {@code from} on; a word longer than {@code max} is cut into pieces of {@code max}. */
    private static List<Word> words(String text, int from, int max) {
        List<Word> out = new ArrayList<>();
        int i = from;
        while (i < text.length()) {
            int spaceStart = i;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int wordStart = i;
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String space = text.substring(spaceStart, wordStart);
            String word = text.substring(wordStart, i);
            for (int cut = 0; cut < word.length(); ) {
                int to = Math.min(word.length(), cut + max);
                if (to < word.length() && Character.isHighSurrogate(word.charAt(to - 1))) {
                    to--;
                }
                out.add(new Word(cut == 0 ? space : "", word.substring(cut, to), wordStart + cut));
                cut = to;
            }
        }
        return out;
    }
}
