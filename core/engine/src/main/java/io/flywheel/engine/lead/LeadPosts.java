package io.flywheel.engine.lead;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Post;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** How a lead looks as a post. */
public final class LeadPosts {
    private LeadPosts() {}

    public static Post toPost(Lead lead) {
        List<Post.Field> fields = new ArrayList<>();
        if (lead.company() != null) fields.add(new Post.Field("Company", lead.company(), true));
        if (lead.location() != null) fields.add(new Post.Field("Location", lead.location(), true));
        if (lead.compensation() != null) fields.add(new Post.Field("Pay", lead.compensation(), true));
        fields.add(new Post.Field("Score", String.format(Locale.ROOT, "%.1f", lead.score()), true));
        fields.add(new Post.Field("Platform", lead.platform(), true));
        if (!lead.keywords().isEmpty()) fields.add(new Post.Field("Keywords", String.join(", ", lead.keywords()), false));
        return new Post(postId(lead.key()), Post.Kind.LEAD, lead.key(), lead.title(), lead.url(), lead.body(), fields, lead.time());
    }

    /** A short stable id for the post about {@code leadKey}. */
    public static String postId(String leadKey) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(leadKey.getBytes(StandardCharsets.UTF_8));
            return "lead-" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
