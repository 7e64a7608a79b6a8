package io.flywheel.engine.rules;

import io.flywheel.api.Scheduler;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the folders of the rule files and asks for a reload when one changes. Editors save in
 * several steps (truncate and write, or write a temporary file and rename it over), so a reload
 * waits for {@code debounce} of quiet on the host scheduler and runs once per burst.
 */
final class RuleWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RuleWatcher.class);

    private final Map<Path, RuleKind> files;
    private final Scheduler scheduler;
    private final Duration debounce;
    private final Consumer<RuleKind> reload;
    private final Map<RuleKind, Scheduler.Cancellable> pending = new java.util.EnumMap<>(RuleKind.class);
    private WatchService service;
    private Thread thread;

    RuleWatcher(Map<Path, RuleKind> files, Scheduler scheduler, Duration debounce, Consumer<RuleKind> reload) {
        this.files = Map.copyOf(files);
        this.scheduler = scheduler;
        this.debounce = debounce;
        this.reload = reload;
    }

    void start() {
        try {
            service = FileSystems.getDefault().newWatchService();
            Set<Path> dirs = new HashSet<>();
            files.keySet().forEach(f -> dirs.add(f.getParent()));
            for (Path dir : dirs) {
                dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            }
        } catch (IOException e) {
            log.warn("Cannot watch the rule files for changes ({}); restart Flywheel to load an edited rule", e.toString());
            return;
        }
        thread = Thread.ofPlatform().daemon().name("flywheel-rules-watcher").start(this::loop);
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = service.take();
                Path dir = (Path) key.watchable();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.context() instanceof Path name) {
                        RuleKind kind = files.get(dir.resolve(name).toAbsolutePath().normalize());
                        if (kind != null) {
                            changed(kind);
                        }
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    private synchronized void changed(RuleKind kind) {
        Scheduler.Cancellable before = pending.remove(kind);
        if (before != null) {
            before.cancel();
        }
        pending.put(kind, scheduler.schedule(debounce, () -> {
            synchronized (this) {
                pending.remove(kind);
            }
            try {
                reload.accept(kind);
            } catch (RuntimeException e) {
                log.error("Reloading the {} rule failed unexpectedly: {}", kind.id(), e.toString());
            }
        }));
    }

    @Override
    public synchronized void close() {
        pending.values().forEach(Scheduler.Cancellable::cancel);
        pending.clear();
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                log.debug("closing the watch service", e);
            }
        }
    }
}
