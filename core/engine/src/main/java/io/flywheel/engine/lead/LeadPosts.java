package io.flywheel.engine.lead;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Post;
import io.flywheel.engine.post.PostIds;
import java.util.ArrayList;
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
        return PostIds.ofLead(leadKey);
    }
}
