package io.flywheel.testkit;

import io.flywheel.api.PluginContext;
import io.flywheel.api.Scheduler;
import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandDispatcher;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.api.feedback.EngagementSink;
import io.flywheel.api.http.HttpFetcher;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PluginContext} for plugin tests: the clock, scheduler and fetcher a test chose, the
 * focus keywords it wants, a logger named for the instance, and for outputs the engagement sink
 * and command dispatcher a test wires. What a test leaves {@code null} is not lent.
 */
public record TestPluginContext(String instanceId, Clock clock, Scheduler scheduler, HttpFetcher http, Path workDir, List<String> keywords,
        EngagementSink engagement, CommandDispatcher commands) implements PluginContext {

    public TestPluginContext {
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
    }

    /** For sources: engagement and commands are not lent. */
    public TestPluginContext(String instanceId, Clock clock, Scheduler scheduler, HttpFetcher http, Path workDir, List<String> keywords) {
        this(instanceId, clock, scheduler, http, workDir, keywords, null, null);
    }

    public static TestPluginContext of(String instanceId, ManualScheduler scheduler, HttpFetcher http) {
        return new TestPluginContext(instanceId, scheduler.clock(), scheduler, http, null, List.of());
    }

    /** For outputs: an engagement sink that accepts everything and a dispatcher that knows no commands. */
    public static TestPluginContext of(String instanceId, Clock clock, Scheduler scheduler, Path workDir) {
        return new TestPluginContext(instanceId, clock, scheduler, null, workDir, List.of(), e -> CompletableFuture.completedFuture(true), new CommandDispatcher() {
            @Override
            public List<CommandSpec> specs() {
                return List.of();
            }

            @Override
            public CompletableFuture<CommandReply> dispatch(CommandCall call) {
                return CompletableFuture.completedFuture(CommandReply.privately("no commands in this test"));
            }
        });
    }

    public TestPluginContext withKeywords(List<String> focus) {
        return new TestPluginContext(instanceId, clock, scheduler, http, workDir, focus, engagement, commands);
    }

    @Override
    public HttpFetcher http() {
        if (http == null) {
            throw new UnsupportedOperationException("this test lends no HTTP fetcher");
        }
        return http;
    }

    @Override
    public Logger log() {
        return LoggerFactory.getLogger("flywheel.test." + instanceId);
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
        if (engagement == null) {
            throw new UnsupportedOperationException("not lent in tests of sources");
        }
        return engagement;
    }

    @Override
    public CommandDispatcher commands() {
        if (commands == null) {
            throw new UnsupportedOperationException("not lent in tests of sources");
        }
        return commands;
    }
}
