package io.flywheel.plugins.strategies;

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

/** What a strategy factory is lent: strategies use only the instance id. */
record TestContext(String instanceId) implements PluginContext {
    @Override public Clock clock() { return Clock.systemUTC(); }
    @Override public Scheduler scheduler() { throw new UnsupportedOperationException("strategies do not schedule"); }
    @Override public HttpFetcher http() { throw new UnsupportedOperationException("strategies do not fetch"); }
    @Override public Logger log() { return LoggerFactory.getLogger(instanceId); }
    @Override public Path workDir() { throw new UnsupportedOperationException(); }
    @Override public List<String> topKeywords(int limit) { return List.of(); }
    @Override public EngagementSink engagement() { throw new UnsupportedOperationException(); }
    @Override public CommandDispatcher commands() { throw new UnsupportedOperationException(); }
}
