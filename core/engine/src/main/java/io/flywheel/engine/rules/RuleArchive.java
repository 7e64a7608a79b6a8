package io.flywheel.engine.rules;

import io.flywheel.engine.store.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every version of each rule that went live, in {@code <data>/rules/<rule>/}: the texts by hash
 * ({@code versions/<sha256>.js}) and an append-only {@code history.tsv}. Rollback takes the
 * previous version from here, and a restart whose script no longer passes falls back to the last
 * version here. A running Flywheel and the CLI may both append; each line is one small append.
 */
public final class RuleArchive {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private final Path root;

    /**
     * One line of the history.
     *
     * @param action {@code accepted} (went live) or {@code rollback} (the live version was replaced by {@code hash})
     * @param detail the script's name, or for a rollback the hash rolled back from
     */
    public record Entry(Instant time, String action, String hash, String detail) {}

    public RuleArchive(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public boolean contains(RuleKind kind, String hash) {
        return Files.isRegularFile(versionFile(kind, hash));
    }

    /** Records that {@code source} went live at {@code time}. */
    public void accepted(RuleKind kind, ScriptSource source, Instant time) {
        Path file = versionFile(kind, source.hash());
        if (!Files.isRegularFile(file)) {
            AtomicFile.write(file, source.text());
        }
        append(kind, new Entry(time, "accepted", source.hash(), source.name()));
    }

    /** Records that the live version {@code fromHash} was replaced by the earlier {@code toHash}. */
    public void rolledBack(RuleKind kind, String fromHash, String toHash, Instant time) {
        append(kind, new Entry(time, "rollback", toHash, fromHash));
    }

    public List<Entry> history(RuleKind kind) {
        Path file = dir(kind).resolve("history.tsv");
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", 4);
                if (f.length == 4 && HASH.matcher(f[2]).matches()) {
                    try {
                        out.add(new Entry(Instant.parse(f[0]), f[1], f[2], f[3]));
                    } catch (RuntimeException ignored) {
                        // a torn or hand-edited line: skip it
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }

    /**
     * The versions that are live or could be rolled back to, oldest first: each acceptance pushes
     * its version, each rollback pops the version it replaced.
     */
    public List<String> stack(RuleKind kind) {
        List<String> stack = new ArrayList<>();
        for (Entry e : history(kind)) {
            if (e.action().equals("rollback")) {
                if (!stack.isEmpty() && stack.getLast().equals(e.detail())) {
                    stack.removeLast();
                }
            }
            if (stack.isEmpty() || !stack.getLast().equals(e.hash())) {
                stack.add(e.hash());
            }
        }
        return stack;
    }

    /** The version that went live last. */
    public Optional<String> latest(RuleKind kind) {
        List<String> s = stack(kind);
        return s.isEmpty() ? Optional.empty() : Optional.of(s.getLast());
    }

    /** The version before the latest, which a rollback returns to. */
    public Optional<String> previous(RuleKind kind) {
        List<String> s = stack(kind);
        return s.size() < 2 ? Optional.empty() : Optional.of(s.get(s.size() - 2));
    }

    /** The archived text of {@code hash}, named {@code archive:<rule>@<short hash>}. */
    public Optional<ScriptSource> read(RuleKind kind, String hash) {
        Path file = versionFile(kind, hash);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ScriptSource("archive:" + kind.fileName() + "@" + hash.substring(0, 12), null,
                    Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private Path dir(RuleKind kind) {
        return root.resolve(kind.id());
    }

    private Path versionFile(RuleKind kind, String hash) {
        if (!HASH.matcher(hash).matches()) {
            throw new IllegalArgumentException("not a SHA-256 hash: " + hash);
        }
        return dir(kind).resolve("versions").resolve(hash + ".js");
    }

    private void append(RuleKind kind, Entry e) {
        Path file = dir(kind).resolve("history.tsv");
        try {
            Files.createDirectories(file.getParent());
            String line = e.time() + "\t" + e.action() + "\t" + e.hash() + "\t" + e.detail().replace('\t', ' ').replace('\n', ' ') + "\n";
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to " + file, ex);
        }
    }
}
