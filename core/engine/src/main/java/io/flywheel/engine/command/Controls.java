package io.flywheel.engine.command;

import io.flywheel.engine.app.SourceHealth;
import io.flywheel.engine.app.SourceRun;
import io.flywheel.engine.plugin.PluginReport;
import java.util.List;
import java.util.Optional;

/**
 * The narrow services the built-in commands need from the rest of the engine. Each is an
 * interface so the commands test without the engine, and so a service another part of the
 * engine provides later (the rules engine, trading) plugs in without touching the commands.
 */
public final class Controls {
    private Controls() {}

    /** The configured lead sources. */
    public interface Sources {
        List<SourceHealth> health();

        /** Runs source {@code id} now (blocking) and posts what it found; empty when there is no such source. */
        Optional<SourceRun> runNow(String id);
    }

    /** The operator-editable JS rules ({@code scripts/*.js}). */
    public interface Rules {
        /** Why rules cannot be managed here, or empty when they can. */
        Optional<String> unavailable();

        /** Names of the rules, for autocomplete. */
        List<String> names();

        /** Dry-runs {@code rule} (or every rule when {@code null}) on recorded feedback; returns a report. */
        String test(String rule);

        /** Compiles and validates the rule file again and makes it live; the previous one stays live on failure. */
        String reload(String rule);

        /** Makes the previous version of {@code rule} live again. */
        String rollback(String rule);

        /** Runs the keyword learning step now (guardrails included); {@code by} is who asked. */
        default String update(String by) {
            throw new UnsupportedOperationException(unavailable().orElse("Learning updates are not available here."));
        }

        /** Freezes or unfreezes learning (keyword and strategy weights); kept across restarts. */
        default String freeze(boolean frozen, String by) {
            throw new UnsupportedOperationException(unavailable().orElse("The learning freeze is not available here."));
        }

        /** Makes the shadow keyword rule ({@code learning.shadow}) the live one, after a replay. */
        default String promote() {
            throw new UnsupportedOperationException(unavailable().orElse("Shadow rules are not available here."));
        }

        /** Live against shadow keyword weights. */
        default String shadow() {
            throw new UnsupportedOperationException(unavailable().orElse("Shadow rules are not available here."));
        }

        /** This build has no rules engine. */
        Rules NOT_IN_THIS_BUILD = new Rules() {
            @Override
            public Optional<String> unavailable() {
                return Optional.of("The rules engine is not available in this build: keyword weights stay as configured and learned so far.");
            }

            @Override
            public List<String> names() {
                return List.of();
            }

            @Override
            public String test(String rule) {
                throw new UnsupportedOperationException(unavailable().orElseThrow());
            }

            @Override
            public String reload(String rule) {
                throw new UnsupportedOperationException(unavailable().orElseThrow());
            }

            @Override
            public String rollback(String rule) {
                throw new UnsupportedOperationException(unavailable().orElseThrow());
            }
        };
    }

    /** Trading strategies and their capital weights. */
    public interface Strategies {
        /** Why there is nothing to show, or empty when trading runs. */
        Optional<String> unavailable();

        /** Configured strategy ids, for autocomplete. */
        List<String> ids();

        /** A readable report on {@code id}, or on every strategy when {@code null}. */
        String report(String id);

        /** Trading is not part of this build; the configured ids are still known. */
        static Strategies notInThisBuild(List<String> configuredIds) {
            return new Strategies() {
                @Override
                public Optional<String> unavailable() {
                    return Optional.of("Trading is not available in this build"
                            + (configuredIds.isEmpty() ? "." : "; configured strategies: " + String.join(", ", configuredIds) + "."));
                }

                @Override
                public List<String> ids() {
                    return configuredIds;
                }

                @Override
                public String report(String id) {
                    throw new UnsupportedOperationException(unavailable().orElseThrow());
                }
            };
        }
    }

    /** The loaded plugins. */
    public interface Plugins {
        List<PluginReport> reports();

        /** Why plugins cannot be reloaded while running, or empty when they can. */
        Optional<String> reloadUnavailable();

        /** Loads the plugins folder again; returns what changed. */
        String reload();
    }
}
