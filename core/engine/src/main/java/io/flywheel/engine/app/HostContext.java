package io.flywheel.engine.app;

import io.flywheel.api.PluginContext;
import io.flywheel.api.Scheduler;
import io.flywheel.api.command.CommandDispatcher;
import io.flywheel.api.feedback.EngagementSink;
import io.flywheel.api.http.HttpFetcher;
import io.flywheel.engine.lead.KeywordWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The services lent to one configured instance. */
record HostContext(
        String instanceId,
        String kind,
        Clock clock,
        Scheduler scheduler,
        HttpFetcher http,
        Path dataDir,
        KeywordWeights keywordWeights,
        EngagementSink engagement,
        CommandDispatcher commands) implements PluginContext {

    @Override
    public Logger log() {
        return LoggerFactory.getLogger("flywheel." + kind + "." + instanceId);
    }

    @Override
    public Path workDir() {
        Path dir = dataDir.resolve(kind).resolve(instanceId);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create work folder " + dir, e);
        }
    }

    @Override
    public List<String> topKeywords(int limit) {
        return keywordWeights.top(limit);
    }
}
