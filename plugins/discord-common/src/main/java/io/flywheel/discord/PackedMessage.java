package io.flywheel.discord;

import java.util.List;

/**
 * One Discord message of a packed batch.
 *
 * @param content text content, or {@code null} in embed mode
 * @param embeds the embeds, empty in text mode
 * @param posts indices (into the packed batch) of the posts shown in this message, in order; a
 *     post split across messages is in each of them
 * @param completed indices of the posts whose last part is in this message: they are delivered
 *     once this message is accepted
 */
public record PackedMessage(String content, List<Embed> embeds, List<Integer> posts, List<Integer> completed) {
    public PackedMessage {
        embeds = List.copyOf(embeds);
        posts = List.copyOf(posts);
        completed = List.copyOf(completed);
    }
}
