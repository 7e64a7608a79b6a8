package io.flywheel.engine.config;

import io.flywheel.api.ComponentFactory;
import io.flywheel.api.lead.LeadSourceFactory;
import io.flywheel.api.market.MarketFeedFactory;
import io.flywheel.api.output.OutputFactory;
import io.flywheel.api.strategy.StrategyFactory;

/** The kinds of configured components: a config.yml section, its extension point, and the keys the host owns there. */
public enum ComponentKind {
    SOURCE("sources", "lead source", LeadSourceFactory.class, HostSettings.Source.class),
    MARKET("markets", "market feed", MarketFeedFactory.class, HostSettings.Market.class),
    STRATEGY("strategies", "strategy", StrategyFactory.class, HostSettings.Strategy.class),
    OUTPUT("outputs", "output", OutputFactory.class, HostSettings.Output.class);

    private final String section;
    private final String label;
    private final Class<?> extensionPoint;
    private final Class<? extends Record> hostSettings;

    ComponentKind(String section, String label, Class<?> extensionPoint, Class<? extends Record> hostSettings) {
        this.section = section;
        this.label = label;
        this.extensionPoint = extensionPoint;
        this.hostSettings = hostSettings;
    }

    /** The config.yml section, e.g. {@code sources}. */
    public String section() {
        return section;
    }

    /** Words for messages, e.g. {@code lead source}. */
    public String label() {
        return label;
    }

    @SuppressWarnings("rawtypes")
    public Class<? extends ComponentFactory> extensionPoint() {
        return extensionPoint.asSubclass(ComponentFactory.class);
    }

    /** The record holding the keys the host reads in this section besides id, type and enabled. */
    public Class<? extends Record> hostSettings() {
        return hostSettings;
    }

    /** The kind whose extension point {@code factory} implements, if any. */
    public static java.util.Optional<ComponentKind> of(Object factory) {
        for (ComponentKind k : values()) {
            if (k.extensionPoint.isInstance(factory)) {
                return java.util.Optional.of(k);
            }
        }
        return java.util.Optional.empty();
    }
}
