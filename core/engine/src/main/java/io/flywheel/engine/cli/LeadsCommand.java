package io.flywheel.engine.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.flywheel.api.lead.Lead;
import io.flywheel.engine.config.ComponentKind;
import io.flywheel.engine.config.Durations;
import io.flywheel.engine.store.DuplicateLink;
import io.flywheel.engine.store.LeadQuery;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.engine.text.Cells;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flywheel leads}: lists and filters stored leads, newest first. */
@Command(name = "leads", mixinStandardHelpOptions = true,
        description = {"Lists stored leads, newest first, filtered by platform, score, keyword and time.",
                "Reads the store of config.yml; stop a running Flywheel first (one process per store)."})
final class LeadsCommand implements Callable<Integer> {
    /** Bidi embeddings, overrides, isolates and marks: U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C. */
    private static final Pattern BIDI = Pattern.compile("[\\u202A-\\u202E\\u2066-\\u2069\\u200E\\u200F\\u061C]");
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    enum Format { TABLE, TSV, JSON }

    @ParentCommand
    FlywheelCli cli;

    @Option(names = {"-p", "--platform"}, description = "Only this platform.")
    String platform;

    @Option(names = {"-s", "--min-score"}, description = "Only leads scoring at least this (a finite number).")
    Double minScore;

    @Option(names = {"-k", "--keyword"}, description = "Only leads that matched this keyword.")
    String keyword;

    @Option(names = "--since", converter = DurationConverter.class, description = "Only leads from the last DURATION (e.g. 7d, 12h).")
    Duration since;

    @Option(names = "--from", description = "Only leads at or after this time (ISO-8601, e.g. 2026-03-01T00:00:00Z).")
    Instant from;

    @Option(names = "--to", description = "Only leads before this time (ISO-8601); after the start of --from or --since.")
    Instant to;

    @Option(names = {"-n", "--limit"}, defaultValue = "20", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--format", defaultValue = "table", description = "table, tsv or json (one object per line); default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--show", paramLabel = "KEY", description = "Show one lead in full, with the cross-posts linked to it.")
    String show;

    @Option(names = "--stats", description = "Show what the store holds and its dedup front's memory.")
    boolean stats;

    @Override
    public Integer call() throws Exception {
        Format fmt;
        try {
            fmt = Format.valueOf(format.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            cli.io().err().println("flywheel leads: --format must be table, tsv or json, found '" + format + "'");
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        if (limit <= 0) {
            cli.io().err().println("flywheel leads: --limit must be positive, found " + limit);
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        if (since != null && from != null) {
            cli.io().err().println("flywheel leads: give --since or --from, not both");
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        if (minScore != null && !Double.isFinite(minScore)) {
            cli.io().err().println("flywheel leads: --min-score must be a finite number, found " + minScore);
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        Instant start = since != null ? cli.io().clock().instant().minus(since) : from;
        if (start != null && to != null && !start.isBefore(to)) {
            String begin = since != null ? "--since " + Durations.format(since) + " (from " + start + ")" : "--from " + from;
            cli.io().err().println("flywheel leads: " + begin + " is not before --to " + to + ": no lead can be in that range");
            return FlywheelCli.CONFIG_PROBLEMS;
        }
        PrintStream out = cli.io().out();
        return cli.withStore("leads", "/leads", (config, store) -> {
            if (stats) {
                MapDbStore.Stats s = store.stats();
                out.printf(Locale.ROOT, "store:        %s%n", store.file());
                out.printf(Locale.ROOT, "leads:        %,d (%,d with bodies pruned by retention)%n", s.leads(), s.pruned());
                out.printf(Locale.ROOT, "known keys:   %,d (leads and cross-posts linked to them)%n", s.keys());
                out.printf(Locale.ROOT, "dedup front:  %,d bytes in memory (%.1f per key)%n", s.dedupFrontBytes(),
                        s.keys() == 0 ? 0.0 : (double) s.dedupFrontBytes() / s.keys());
                out.printf(Locale.ROOT, "file:         %,d bytes, journal %,d bytes%n", s.fileBytes(), s.journalBytes());
                return FlywheelCli.OK;
            }
            if (show != null) {
                return show(store, out, config.enabled(ComponentKind.OUTPUT).stream().map(i -> i.id()).toList());
            }
            LeadQuery q = LeadQuery.newest(limit);
            if (start != null || to != null) q = q.between(start, to);
            if (platform != null) q = q.platform(platform.strip().toLowerCase(Locale.ROOT));
            if (minScore != null) q = q.minScore(minScore);
            if (keyword != null) q = q.keyword(keyword.strip().toLowerCase(Locale.ROOT));
            List<Lead> leads = store.query(q);
            switch (fmt) {
                case TABLE -> {
                    out.printf("%-16s  %-14s %6s  %-60s  %s%n", "TIME (UTC)", "PLATFORM", "SCORE", "TITLE", "KEY");
                    for (Lead l : leads) {
                        out.printf(Locale.ROOT, "%-16s  %s %6.1f  %s  %s%n", MINUTE.format(l.time()), cell(l.platform(), 14), l.score(),
                                cell(l.title(), 60), cell(l.key(), 0));
                    }
                    cli.io().err().printf(Locale.ROOT, "%d lead(s) shown of %,d stored%n", leads.size(), store.size());
                }
                case TSV -> {
                    out.println("time\tplatform\tscore\ttitle\turl\tkey\tkeywords");
                    for (Lead l : leads) {
                        out.println(String.join("\t", l.time().toString(), tsv(l.platform()), Double.toString(l.score()), tsv(l.title()), tsv(l.url()), tsv(l.key()),
                                tsv(String.join(",", l.keywords()))));
                    }
                }
                case JSON -> {
                    for (Lead l : leads) {
                        out.println(json(l));
                    }
                }
            }
            return FlywheelCli.OK;
        });
    }

    private int show(MapDbStore store, PrintStream out, List<String> outputs) {
        Optional<Lead> lead = store.get(show);
        if (lead.isEmpty()) {
            Optional<DuplicateLink> link = store.duplicateOf(show);
            if (link.isPresent()) {
                out.printf("%s was judged a duplicate of %s%n  why:   %s%n  found: %s by %s on %s%n", show, link.get().originalKey(), link.get().reason(),
                        link.get().time(), link.get().sourceId(), link.get().platform());
                return FlywheelCli.OK;
            }
            cli.io().err().println("flywheel leads: no lead with key " + show);
            return FlywheelCli.FAILED;
        }
        Lead l = lead.get();
        out.printf("key:          %s%ntitle:        %s%nplatform:     %s%nsource:       %s%nscore:        %.2f%nkeywords:     %s%n", l.key(), l.title(),
                l.platform(), l.sourceId(), l.score(), String.join(", ", l.keywords()));
        out.printf("published:    %s%nfound:        %s%nurl:          %s%ncompany:      %s%nlocation:     %s%npay:          %s%n",
                l.published() == null ? "-" : l.published(), l.foundAt(), orDash(l.url()), orDash(l.company()), orDash(l.location()), orDash(l.compensation()));
        out.printf("body:         %s%n", l.body() == null ? "(none, or pruned by retention)" : l.body());
        for (DuplicateLink d : store.duplicatesOf(l.key())) {
            out.printf("cross-post:   %s on %s (%s)%n", d.key(), d.platform(), d.reason());
        }
        String post = io.flywheel.engine.lead.LeadPosts.postId(l.key());
        for (String output : outputs) {
            // The record of each output's delivery: where the post landed, or why it was refused.
            store.messageRef(output, post).ifPresent(ref -> out.printf("%-13s %s%n", output + ":", ref));
        }
        return FlywheelCli.OK;
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    /**
     * One table cell of {@code width} terminal cells (0: as long as it is): whitespace runs as one
     * space, bidi controls shown as {@code <U+202E>} so they cannot turn the rest of the terminal
     * line, then {@link Cells#fit}: cut between grapheme clusters with "…", padded with spaces.
     */
    static String cell(String s, int width) {
        String one = BIDI.matcher(s.replaceAll("\\s+", " ")).replaceAll(m -> String.format(Locale.ROOT, "<U+%04X>", (int) m.group().charAt(0)));
        return width <= 0 ? one : Cells.fit(one, width);
    }

    /** A text field of a TSV row: tabs and line breaks, which would split the row, become one space. */
    private static String tsv(String s) {
        return s == null ? "" : s.replaceAll("[\\t\\r\\n]+", " ");
    }

    private static String json(Lead l) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("key", l.key());
            g.writeStringField("time", l.time().toString());
            g.writeStringField("platform", l.platform());
            g.writeStringField("source", l.sourceId());
            g.writeNumberField("score", l.score());
            g.writeStringField("title", l.title());
            g.writeStringField("url", l.url());
            g.writeStringField("company", l.company());
            g.writeStringField("location", l.location());
            g.writeStringField("compensation", l.compensation());
            g.writeArrayFieldStart("keywords");
            for (String k : l.keywords()) {
                g.writeString(k);
            }
            g.writeEndArray();
            g.writeStringField("body", l.body());
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }
}
