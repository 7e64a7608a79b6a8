package io.flywheel.engine.app;

import io.flywheel.api.PluginContext;
import io.flywheel.api.lead.LeadSource;
import io.flywheel.api.lead.LeadSourceFactory;
import io.flywheel.api.lead.RawLead;
import io.flywheel.api.lead.SourceResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** A source type for tests whose answers the test scripts, recording when each instance was fetched. */
final class ScriptedSource implements LeadSourceFactory<ScriptedSource.Config> {
    record Config(String label) {}

    final Map<String, List<Instant>> fetches = new ConcurrentHashMap<>();
    /** An instance id whose creation fails, as a plugin's factory can. */
    volatile String failToCreate;
    volatile Function<String, SourceResult> answer = id -> SourceResult.of(List.of(RawLead.of("Backend engineer at " + id, "https://example.org/" + id)));

    @Override
    public String type() {
        return "scripted";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public LeadSource create(Config config, PluginContext context) {
        String id = context.instanceId();
        if (id.equals(failToCreate)) {
            throw new IllegalArgumentException("cannot reach what " + id + " scrapes");
        }
        fetches.put(id, Collections.synchronizedList(new ArrayList<>()));
        return query -> {
            fetches.get(id).add(context.clock().instant());
            return answer.apply(id);
        };
    }
}
