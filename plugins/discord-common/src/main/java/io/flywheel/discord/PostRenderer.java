package io.flywheel.discord;

import io.flywheel.api.output.Post;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a {@link Post} looks on Discord: an embed, or a block of text lines. Everything it returns
 * is within {@link DiscordLimits}, so packing never has to split an embed.
 */
public final class PostRenderer {
    private static final int LEAD_COLOR = 0x3B82F6;
    private static final int SIGNAL_COLOR = 0x22C55E;
    private static final int NOTICE_COLOR = 0x9CA3AF;
    /** JDA's limit for an embed's link (it throws past it, and the post could never leave the queue); Discord's own is higher. */
    private static final int MAX_URL = 2000;

    private final DiscordLimits limits;
    private final int bodyChars;

    /** @param bodyChars how much of a post's body to show (0: none) */
    public PostRenderer(DiscordLimits limits, int bodyChars) {
        if (bodyChars < 0) {
            throw new IllegalArgumentException("body-chars: must be 0 or more, found " + bodyChars);
        }
        this.limits = limits;
        this.bodyChars = bodyChars;
    }

    public Embed embed(Post p) {
        String title = Text.truncate(Text.collapse(p.title()).isEmpty() ? "(untitled)" : Text.collapse(p.title()), limits.title());
        String description = preview(p.body(), Math.min(bodyChars, limits.description()));
        List<Embed.Field> fields = new ArrayList<>();
        for (Post.Field f : p.fields()) {
            String name = Text.truncate(Text.collapse(f.name()), limits.fieldName());
            String value = Text.truncate(f.value().strip(), limits.fieldValue());
            if (!name.isEmpty() && !value.isEmpty() && fields.size() < limits.fields()) {
                fields.add(new Embed.Field(name, value, f.inline()));
            }
        }
        Embed e = new Embed(title, linkOrNull(p.url()), description, color(p.kind()), fields, null, p.time());
        // Fit the per-message total on its own: shorten the description, then drop trailing fields.
        while (e.length() > limits.embedTotal()) {
            int over = e.length() - limits.embedTotal();
            if (e.description() != null && !e.description().isEmpty()) {
                int keep = e.description().length() - over;
                e = new Embed(e.title(), e.url(), keep <= 0 ? null : Text.truncate(e.description(), keep), e.color(), e.fields(), e.footer(), e.timestamp());
            } else if (!e.fields().isEmpty()) {
                e = new Embed(e.title(), e.url(), e.description(), e.color(), e.fields().subList(0, e.fields().size() - 1), e.footer(), e.timestamp());
            } else {
                e = new Embed(Text.truncate(e.title(), limits.embedTotal()), e.url(), null, e.color(), List.of(), null, e.timestamp());
            }
        }
        return e;
    }

    /**
     * The post as text lines: the title in bold, the link (in angle brackets, so Discord shows no
     * preview), the facts, and a body preview, all text markdown-escaped. May be longer than one message; the packer splits it.
     */
    public String text(Post p) {
        StringBuilder b = new StringBuilder();
        String title = Text.collapse(p.title());
        b.append("**").append(Text.escapeMarkdown(title.isEmpty() ? "(untitled)" : title)).append("**");
        String link = linkOrNull(p.url());
        if (link != null) {
            b.append('\n').append('<').append(link).append('>');
        }
        List<String> facts = new ArrayList<>();
        for (Post.Field f : p.fields()) {
            String v = Text.collapse(f.value());
            if (!v.isEmpty()) {
                facts.add(f.name().toLowerCase(Locale.ROOT) + ": " + Text.escapeMarkdown(v));
            }
        }
        if (!facts.isEmpty()) {
            b.append('\n').append(String.join(" · ", facts));
        }
        String body = preview(p.body(), bodyChars);
        if (body != null) {
            // Escaped: a preview cut inside a code block or spoiler would swallow the posts packed after it.
            b.append('\n').append(Text.escapeMarkdown(body));
        }
        return b.toString();
    }

    private static String preview(String body, int max) {
        if (max <= 0 || body == null) {
            return null;
        }
        String collapsed = Text.collapse(body);
        return collapsed.isEmpty() ? null : Text.truncate(collapsed, max);
    }

    /** {@code url} when Discord will accept it as a link (absolute http or https, short enough), else {@code null}. */
    static String linkOrNull(String url) {
        if (url == null || url.length() > MAX_URL) {
            return null;
        }
        try {
            URI u = new URI(url.strip());
            String scheme = u.getScheme();
            return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && u.getHost() != null ? u.toString() : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static int color(Post.Kind kind) {
        return switch (kind) {
            case LEAD -> LEAD_COLOR;
            case SIGNAL -> SIGNAL_COLOR;
            case NOTICE -> NOTICE_COLOR;
        };
    }
}
