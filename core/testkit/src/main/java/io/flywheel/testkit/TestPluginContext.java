package io.flywheel.testkit;

import io.flywheel.api.PluginContext;
import io.flywheel.api.Scheduler;
import io.flywheel.api.command.CommandDispatcher;
import io.flywheel.api.feedback.EngagementSink;
import io.flywheel.api.http.HttpFetcher;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PluginContext} for plugin tests: the clock, scheduler and fetcher a test chose, the
 * focus keywords it wants, a logger named for the instance. Engagement and commands are not lent.
 */
public record TestPluginContext(String instanceId, Clock clock, Scheduler scheduler, HttpFetcher http, Path workDir, List<String> keywords)
        implements PluginContext {

    public TestPluginContext {
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
    }

    public static TestPluginContext of(String instanceId, ManualScheduler scheduler, HttpFetcher http) {
        return new TestPluginContext(instanceId, scheduler.clock(), scheduler, http, null, List.of());
    }

    public TestPluginContext withKeywords(List<String> focus) {
        return new TestPluginContext(instanceId, clock, scheduler, http, workDir, focus);
    }

    @Override
    public Logger log() {
        return LoggerFactory.getLogger("flywheel.source." + instanceId);
    }

    @Override
    public Path workDir() {
        if (workDir == null) {
            throw new IllegalStateException("this test context has no work folder");
        }
        return workDir;
    }

    @Override
    public List<String> topKeywords(int limit) {
        return keywords.subList(0, Math.min(limit, keywords.size()));
    }

    @Override
    public EngagementSink engagement() {
        throw new UnsupportedOperationException("not lent in tests of sources");
    }

    @Override
    public CommandDispatcher commands() {
        throw new UnsupportedOperationException("not lent in tests of sources");
    }
}
