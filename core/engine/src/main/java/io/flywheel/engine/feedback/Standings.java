package io.flywheel.engine.feedback;

import io.flywheel.engine.feedback.FeedbackEvent.Type;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What each subject's engagement comes to once steps replaced and retracted are taken into
 * account, read from the log in time order: per subject, the steps some user still holds (each
 * user's strongest positive step, and NOT_RELEVANT while someone still rejects it).
 */
public final class Standings {
    private final Map<String, Map<String, Type>> positive = new HashMap<>();
    private final Map<String, Set<String>> rejecting = new HashMap<>();

    /** Takes in one event (events must come in time order); returns whether it was an engagement step or a retraction. */
    public boolean add(FeedbackEvent e) {
        String actor = e.actor() == null ? "" : e.actor();
        switch (e.type()) {
            case INTERESTED, APPLIED, WON -> positive.computeIfAbsent(e.subject(), k -> new HashMap<>())
                    // an event that names what it replaces is the new standing (a step back included); one from
                    // before standings were kept never lowers what the user already had
                    .merge(actor, e.type(), (old, neu) -> e.replaces().isPresent() || neu.ordinal() > old.ordinal() ? neu : old);
            case NOT_RELEVANT -> rejecting.computeIfAbsent(e.subject(), k -> new HashSet<>()).add(actor);
            case RETRACTED -> {
                if (e.replaces().orElse(null) == Type.NOT_RELEVANT) {
                    rejecting.getOrDefault(e.subject(), new HashSet<>()).remove(actor);
                } else {
                    positive.getOrDefault(e.subject(), new HashMap<>()).remove(actor);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The steps held on {@code subject}: each holding user's strongest positive step, and NOT_RELEVANT if anyone rejects it. */
    public Set<Type> of(String subject) {
        Set<Type> out = EnumSet.noneOf(Type.class);
        out.addAll(positive.getOrDefault(subject, Map.of()).values());
        if (!rejecting.getOrDefault(subject, Set.of()).isEmpty()) {
            out.add(Type.NOT_RELEVANT);
        }
        return out;
    }

    /** The subjects on which some user still holds a positive step. */
    public Set<String> engagedSubjects() {
        Set<String> out = new HashSet<>();
        positive.forEach((subject, users) -> {
            if (!users.isEmpty()) {
                out.add(subject);
            }
        });
        return out;
    }
}
