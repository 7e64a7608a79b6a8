package io.flywheel.discord;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One Discord message of a packed batch: the pieces of posts it carries, in order. A post that
 * fits a message is one piece; a longer one (text mode only) is split into a piece per message,
 * so a message may carry the tail of one post, whole posts, and the head of the next.
 *
 * @param pieces at least one, all text or all embeds, at most one per post
 */
public record PackedMessage(List<Piece> pieces) {
    /**
     * What one message shows of one post.
     *
     * @param post index of the post in the packed batch
     * @param text this part of the post's text (text mode), else {@code null}
     * @param embed the post's embed (embed mode), else {@code null}
     * @param first the post starts here
     * @param last the post ends here: it is delivered once this piece is accepted
     * @param end in text mode, how many characters of the post's text are shown once this piece is
     *     (where the next piece starts, if the post is continued later); 0 for an embed
     */
    public record Piece(int post, String text, Embed embed, boolean first, boolean last, int end) {
        public Piece {
            if ((text == null) == (embed == null)) {
                throw new IllegalArgumentException("piece of post " + post + ": exactly one of text and embed, found " + (text == null ? "neither" : "both"));
            }
            if (end < 0) {
                throw new IllegalArgumentException("piece of post " + post + ": end must not be negative, found " + end);
            }
        }

        /** A piece that starts the post's text, or an embed: its end is its length. */
        public Piece(int post, String text, Embed embed, boolean first, boolean last) {
            this(post, text, embed, first, last, text == null ? 0 : text.length());
        }

        static Piece embed(int post, Embed embed) {
            return new Piece(post, null, embed, true, true);
        }

        /** This piece alone, as a message of its own. */
        public PackedMessage alone() {
            return new PackedMessage(List.of(this));
        }
    }

    public PackedMessage {
        pieces = List.copyOf(pieces);
        if (pieces.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one piece");
        }
        boolean text = pieces.getFirst().text() != null;
        if (pieces.stream().anyMatch(p -> (p.text() != null) != text)) {
            throw new IllegalArgumentException("a message is all text or all embeds, found both in " + pieces);
        }
        if (pieces.stream().map(Piece::post).distinct().count() != pieces.size()) {
            throw new IllegalArgumentException("a message carries at most one piece of each post, found " + pieces.stream().map(Piece::post).toList());
        }
    }

    /** A message of whole posts shown as embeds. */
    public static PackedMessage ofEmbeds(List<Integer> posts, List<Embed> embeds) {
        if (posts.size() != embeds.size()) {
            throw new IllegalArgumentException(posts.size() + " posts but " + embeds.size() + " embeds");
        }
        return new PackedMessage(java.util.stream.IntStream.range(0, posts.size()).mapToObj(i -> Piece.embed(posts.get(i), embeds.get(i))).toList());
    }

    /** The text content (pieces joined with a blank line), or {@code null} in embed mode. */
    public String content() {
        return pieces.getFirst().text() == null ? null : String.join(Packer.SEPARATOR, pieces.stream().map(Piece::text).toList());
    }

    /** The embeds, empty in text mode. */
    public List<Embed> embeds() {
        return pieces.stream().map(Piece::embed).filter(Objects::nonNull).toList();
    }

    /** Indices of the posts shown, in order; a post split across messages is in each of them. */
    public List<Integer> posts() {
        return pieces.stream().map(Piece::post).toList();
    }

    /** This message without the pieces of {@code posts}, or {@code null} when nothing is left. */
    public PackedMessage without(Set<Integer> posts) {
        List<Piece> kept = pieces.stream().filter(p -> !posts.contains(p.post())).toList();
        return kept.isEmpty() ? null : kept.size() == pieces.size() ? this : new PackedMessage(kept);
    }
}
