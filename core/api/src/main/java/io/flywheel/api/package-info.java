/**
 * Flywheel's plugin API: the only module a plugin compiles against (with {@code provided} scope).
 *
 * <p>Extension points are factories keyed by a kebab-case type name:
 * {@link io.flywheel.api.lead.LeadSourceFactory}, {@link io.flywheel.api.market.MarketFeedFactory},
 * {@link io.flywheel.api.strategy.StrategyFactory}, {@link io.flywheel.api.output.OutputFactory};
 * and {@link io.flywheel.api.command.BotCommand} for commands a plugin contributes. A factory
 * receives its bound config record and a {@link io.flywheel.api.PluginContext}; it never looks
 * anything up statically.
 *
 * <pre>{@code
 * @Extension
 * public final class HelloSource implements LeadSourceFactory<HelloSource.Config> {
 *     public record Config(String greeting) {
 *         public Config { if (greeting == null) greeting = "hello"; }
 *     }
 *     public String type() { return "hello"; }
 *     public Class<Config> configType() { return Config.class; }
 *     public LeadSource create(Config c, PluginContext ctx) {
 *         return query -> SourceResult.of(List.of(RawLead.of(c.greeting(), "https://example.org/" + c.greeting())));
 *     }
 * }
 * }</pre>
 */
package io.flywheel.api;
