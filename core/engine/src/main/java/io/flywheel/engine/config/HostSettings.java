package io.flywheel.engine.config;

import io.flywheel.api.output.Post;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/** Keys the host reads in each component section; the rest of an entry belongs to the plugin. */
public final class HostSettings {
    private HostSettings() {}

    /**
     * @param every how often the source runs
     * @param jitter up to this much is added at random to each interval, so sources do not fire together
     * @param platform the platform its leads are tagged with, lower-cased (default: the source id)
     * @param focus how many top keywords the source is given to search for
     */
    public record Source(Duration every, Duration jitter, String platform, Integer focus) {
        public Source {
            every = every == null ? Duration.ofMinutes(15) : every;
            jitter = jitter == null ? Duration.ofSeconds(Math.min(60, every.toSeconds() / 10)) : jitter;
            focus = focus == null ? 5 : focus;
            // as LeadNormalizer does with a platform a source reports, so `leads --platform` finds both
            platform = platform == null || platform.isBlank() ? null : platform.strip().toLowerCase(Locale.ROOT);
            if (every.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("every: must be at least 1s, found " + Durations.format(every));
            }
            if (jitter.isNegative()) {
                throw new IllegalArgumentException("jitter: must not be negative");
            }
            if (focus < 0) {
                throw new IllegalArgumentException("focus: must be 0 or more, found " + focus);
            }
        }
    }

    /** @param every how often the feed is polled for new bars */
    public record Market(Duration every) {
        public Market {
            every = every == null ? Duration.ofMinutes(1) : every;
            // a market task reschedules itself after `every`: zero would poll the feed in a tight loop
            if (every.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("every: must be at least 1s, found " + Durations.format(every));
            }
        }
    }

    /**
     * @param market the id of the market feed the strategy trades
     * @param symbol the symbol it trades, when the feed has several
     */
    public record Strategy(String market, String symbol) {}

    /** @param kinds which posts this output receives (default: all) */
    public record Output(Set<Post.Kind> kinds) {
        public Output {
            kinds = kinds == null || kinds.isEmpty() ? Set.of(Post.Kind.values()) : Set.copyOf(kinds);
        }
    }
}
