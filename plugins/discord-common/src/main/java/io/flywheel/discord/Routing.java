package io.flywheel.discord;

import io.flywheel.api.output.Post;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which channel a post goes to: the channel configured for its platform, else for its kind
 * ({@code lead}, {@code signal}, {@code notice}), else the default channel.
 */
public final class Routing {
    private final String defaultChannel;
    private final Map<String, String> byKey;

    /** @param byKey platform or kind name (case-insensitive) to channel id */
    public Routing(String defaultChannel, Map<String, String> byKey) {
        if (defaultChannel == null || defaultChannel.isBlank()) {
            throw new IllegalArgumentException("channel: a default channel is required");
        }
        this.defaultChannel = defaultChannel;
        this.byKey = new LinkedHashMap<>();
        if (byKey != null) {
            byKey.forEach((k, v) -> this.byKey.put(k.toLowerCase(Locale.ROOT), v));
        }
    }

    public String channelFor(Post post) {
        String platform = platform(post);
        if (platform != null && byKey.containsKey(platform.toLowerCase(Locale.ROOT))) {
            return byKey.get(platform.toLowerCase(Locale.ROOT));
        }
        String kind = post.kind().name().toLowerCase(Locale.ROOT);
        return byKey.getOrDefault(kind, defaultChannel);
    }

    /** {@code posts} grouped by channel, channels in order of first use, posts in their order. */
    public Map<String, List<Post>> byChannel(List<Post> posts) {
        Map<String, List<Post>> out = new LinkedHashMap<>();
        for (Post p : posts) {
            out.computeIfAbsent(channelFor(p), c -> new java.util.ArrayList<>()).add(p);
        }
        return out;
    }

    /** Every channel posts can go to. */
    public List<String> channels() {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
        if (defaultChannel != null) {
            all.add(defaultChannel);
        }
        all.addAll(byKey.values());
        return List.copyOf(all);
    }

    /** The post's {@code Platform} field, or {@code null}. */
    static String platform(Post post) {
        for (Post.Field f : post.fields()) {
            if (f.name().equalsIgnoreCase("platform")) {
                return f.value();
            }
        }
        return null;
    }
}
