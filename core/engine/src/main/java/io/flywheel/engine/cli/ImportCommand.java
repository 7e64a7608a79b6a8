package io.flywheel.engine.cli;

import io.flywheel.api.output.Post;
import io.flywheel.engine.app.Flywheel;
import io.flywheel.engine.config.ComponentKind;
import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.config.HostSettings;
import io.flywheel.engine.config.Instance;
import io.flywheel.engine.imports.SqliteImport;
import io.flywheel.engine.lead.KeywordMatcher;
import io.flywheel.engine.lead.KeywordScorer;
import io.flywheel.engine.lead.LeadNormalizer;
import io.flywheel.engine.lead.LeadPipeline;
import io.flywheel.engine.lead.NearDuplicates;
import io.flywheel.engine.lead.UrlCanonicalizer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flywheel import --sqlite}: brings in the prototype's leads through the same dedup as a source run. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Imports leads from a SQLite table through the same normalization and dedup as a source run.",
                "Example: flywheel import --sqlite leads.db --map title=title,url=link,platform=site,timestamp=created_at",
                "Rows without a title or with an unreadable timestamp are reported and skipped; the rest is imported."})
final class ImportCommand implements Callable<Integer> {
    @ParentCommand
    FlywheelCli cli;

    @Option(names = "--sqlite", required = true, paramLabel = "FILE", description = "The SQLite database to read (opened read-only).")
    Path database;

    @Option(names = "--map", required = true, paramLabel = "FIELD=COLUMN,...",
            description = "Which column holds each field: title (required), url, platform, timestamp, body, company, location, compensation.")
    String mapping;

    @Option(names = "--table", description = "The table or view to read (default: the only one in the file).")
    String table;

    @Option(names = "--source", defaultValue = "import", description = "Source id recorded on imported leads (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--platform", defaultValue = "imported", description = "Platform of rows without one (default: ${DEFAULT-VALUE}).")
    String platform;

    @Option(names = "--batch", defaultValue = "1000", description = "Rows per store commit (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "MODE",
            description = "auto, bar (redrawn in place), lines (one per tenth) or none; auto redraws only when stderr is a terminal"
                    + " (Linux: /proc/self/fd/2) and TERM is set and not dumb, else lines (default: ${DEFAULT-VALUE}).")
    String progress;

    @Option(names = "--post", description = "Also queue the imported leads for the lead outputs (default: import quietly).")
    boolean post;

    @Override
    public Integer call() throws Exception {
        PrintStream err = cli.io().err();
        Map<String, String> map;
        try {
            map = SqliteImport.parseMapping(mapping);
        } catch (SqliteImport.ImportException e) {
            err.println("flywheel import: " + e.getMessage());
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        if (batch <= 0) {
            err.println("flywheel import: --batch must be positive, found " + batch);
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        ImportProgressBar.Mode mode;
        try {
            mode = ImportProgressBar.Mode.valueOf(progress.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            err.println("flywheel import: --progress must be auto, bar, lines or none, found '" + progress + "'");
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        return cli.withStore("import", null, (config, store) -> {
            NearDuplicates near = new NearDuplicates(store, config.store().nearDuplicates());
            near.seed(cli.io().clock().instant());
            Map<String, Double> weights = Flywheel.weightsInForce(config, store);
            LeadPipeline pipeline = new LeadPipeline(
                    new LeadNormalizer(new UrlCanonicalizer(config.store().trackingParams()), new KeywordMatcher(config.keywords().keySet())), store,
                    new KeywordScorer(), () -> weights, post ? leadOutputs(config) : List.of(), cli.io().clock(), near);
            ImportProgressBar bar = new ImportProgressBar(err, cli.io().clock(),
                    ImportProgressBar.resolve(mode, err == System.err, ImportProgressBar.STDERR_LINK, cli.io().env()));
            SqliteImport.Progress done;
            try {
                done = new SqliteImport(pipeline).run(new SqliteImport.Request(database, table, map, source, platform.strip().toLowerCase(Locale.ROOT), batch),
                        bar::update);
            } catch (SqliteImport.BadArgument e) {
                err.println("flywheel import: " + e.getMessage());
                return FlywheelCli.CONFIG_PROBLEMS;
            } catch (SqliteImport.ImportException e) {
                err.println("flywheel import: " + e.getMessage());
                return FlywheelCli.FAILED;
            }
            bar.finish();
            cli.io().out().printf(Locale.ROOT, "imported %,d, duplicate %,d (%,d linked as cross-posts), rejected %,d of %,d row(s) from %s%n",
                    done.imported(), done.duplicates(), done.linked(), done.rejected(), done.read(), database);
            for (String reason : done.reasons()) {
                cli.io().out().println("  rejected " + reason);
            }
            if (done.rejected() > done.reasons().size()) {
                cli.io().out().printf(Locale.ROOT, "  ... and %,d more%n", done.rejected() - done.reasons().size());
            }
            return FlywheelCli.OK;
        });
    }

    private static List<String> leadOutputs(FlywheelConfig config) {
        return config.enabled(ComponentKind.OUTPUT).stream()
                .filter(i -> i.host(HostSettings.Output.class).kinds().contains(Post.Kind.LEAD))
                .map(Instance::id)
                .toList();
    }
}
