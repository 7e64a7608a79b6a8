package io.flywheel.plugins.discord;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which posts each message the bot sent carries, so a button click or reaction on a message
 * (possibly posted before a restart) is attributed to the right lead. An append-only file in the
 * output's work folder; the newest {@code capacity} messages are kept.
 */
final class MessageIndex implements AutoCloseable {
    /** One post shown in a message. */
    record Entry(String postId, String ref, String title) {}

    private final Path file;
    private final int capacity;
    private final LinkedHashMap<String, List<MessageIndex.Entry>> byMessage;
    private BufferedWriter out;

    MessageIndex(Path file, int capacity) {
        this.file = file;
        this.capacity = capacity;
        this.byMessage = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<MessageIndex.Entry>> eldest) {
                return size() > MessageIndex.this.capacity;
            }
        };
        load();
    }

    private void load() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        int lines = 0;
        try {
            // The message whose lines are being read: each put wrote one run, and the last run wins, as put replaces. A message
            // carries a post once, so a post seen again in the run starts the next put of the same message (one sent again after
            // a crash comes back from Discord as the same message, and its two runs are adjacent when nothing was sent between).
            String run = null;
            Set<String> runPosts = new HashSet<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", -1);
                if (f.length == 4) {
                    if (!f[0].equals(run) || !runPosts.add(f[1])) {
                        run = f[0];
                        runPosts.clear();
                        runPosts.add(f[1]);
                        byMessage.remove(run);
                        byMessage.put(run, new ArrayList<>());
                    }
                    byMessage.get(run).add(new Entry(f[1], f[2], f[3]));
                    lines++;
                }
            }
            if (lines > capacity * 2) {
                rewrite();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the message index " + file, e);
        }
    }

    private void rewrite() throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (var e : byMessage.entrySet()) {
                for (Entry entry : e.getValue()) {
                    w.write(line(e.getKey(), entry));
                }
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    synchronized void put(String messageId, List<Entry> entries) {
        byMessage.put(messageId, List.copyOf(entries));
        try {
            if (out == null) {
                Files.createDirectories(file.getParent());
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            for (Entry e : entries) {
                out.write(line(messageId, e));
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the message index " + file, e);
        }
    }

    synchronized List<Entry> get(String messageId) {
        return byMessage.getOrDefault(messageId, List.of());
    }

    private static String line(String messageId, Entry e) {
        return messageId + '\t' + clean(e.postId()) + '\t' + clean(e.ref()) + '\t' + clean(e.title()) + '\n';
    }

    private static String clean(String s) {
        return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
