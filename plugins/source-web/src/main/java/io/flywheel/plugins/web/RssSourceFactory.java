package io.flywheel.plugins.web;

import io.flywheel.api.PluginContext;
import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.lead.LeadSourceFactory;
import io.flywheel.plugins.listing.SourceKeys;
import io.flywheel.plugins.listing.SourceUrls;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.pf4j.Extension;

/** {@code type: rss}: RSS 0.9x, 1.0, 2.0 and Atom feeds. */
@Extension
public final class RssSourceFactory implements LeadSourceFactory<RssSourceFactory.Config> {

    /**
     * @param url the feed; {@code {keyword}} is replaced by each focus keyword (URL-encoded), one request each
     * @param urls several feeds read as one source
     * @param robots obey robots.txt (default true)
     * @param limit at most this many items per feed (default: all)
     */
    public record Config(URI url, List<URI> urls, Boolean robots, Integer limit) implements SourceKeys {
        public Config {
            urls = SourceUrls.urls(url, urls, "the feed address");
            robots = SourceUrls.robots(robots);
            limit = SourceUrls.limit(limit);
        }
    }

    @Override
    public String type() {
        return "rss";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public String description() {
        return "RSS and Atom feeds";
    }

    @Override
    public LeadSource create(Config config, PluginContext context) {
        return new RssSource(Objects.requireNonNull(config), context);
    }
}
