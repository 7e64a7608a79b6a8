package io.flywheel.testkit;

import io.flywheel.api.PluginContext;
import io.flywheel.api.Scheduler;
import io.flywheel.api.command.CommandDispatcher;
import io.flywheel.api.feedback.EngagementSink;
import io.flywheel.api.http.HttpFetcher;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PluginContext} for testing one plugin instance on its own: the test picks the clock,
 * scheduler, work folder, engagement sink and command dispatcher; HTTP is not lent.
 */
public record TestPluginContext(String instanceId, Clock clock, Scheduler scheduler, Path workDir, EngagementSink engagement, CommandDispatcher commands)
        implements PluginContext {

    /** A context whose engagement sink accepts everything and whose dispatcher knows no commands. */
    public static TestPluginContext of(String instanceId, Clock clock, Scheduler scheduler, Path workDir) {
        return new TestPluginContext(instanceId, clock, scheduler, workDir, e -> CompletableFuture.completedFuture(true), new CommandDispatcher() {
            @Override
            public List<io.flywheel.api.command.CommandSpec> specs() {
                return List.of();
            }

            @Override
            public CompletableFuture<io.flywheel.api.command.CommandReply> dispatch(io.flywheel.api.command.CommandCall call) {
                return CompletableFuture.completedFuture(io.flywheel.api.command.CommandReply.privately("no commands in this test"));
            }
        });
    }

    @Override
    public HttpFetcher http() {
        throw new UnsupportedOperationException("this test lends no HTTP fetcher");
    }

    @Override
    public Logger log() {
        return LoggerFactory.getLogger("flywheel.test." + instanceId);
    }

    @Override
    public List<String> topKeywords(int limit) {
        return List.of();
    }
}
