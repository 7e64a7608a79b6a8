package io.flywheel.plugins.browser;

import io.flywheel.api.FlywheelException;
import io.flywheel.api.Scheduler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small pool of browser sessions (starting one takes seconds), shared by the browser sources that
 * use the same binaries. A session that stops answering is discarded and its processes killed; one
 * left unused for {@code idle} is closed; closing the pool (its last source closed, or the JVM
 * shutting down) closes every session, so no Chromium outlives the process.
 */
final class SessionPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionPool.class);

    /** Which browser and driver a pool starts. */
    record Binaries(Path chromium, Path chromedriver) {}

    private final Binaries binaries;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Function<Binaries, BrowserSession> starter;
    private final Deque<BrowserSession> idleSessions = new ArrayDeque<>();
    private final Set<BrowserSession> all = new HashSet<>();
    private int starting;
    private int maxSessions = 1;
    private Duration idle;
    private int references;
    private boolean closed;
    private Thread shutdownHook;
    private int started;

    SessionPool(Binaries binaries, Scheduler scheduler, Clock clock) {
        this.binaries = binaries;
        this.scheduler = scheduler;
        this.clock = clock;
        this.starter = b -> BrowserSession.start(b, Duration.ofSeconds(30));
    }

    /** One more source uses this pool; the pool grows to the largest {@code sessions} asked for. */
    synchronized void retain(int sessions, Duration idleLimit) {
        references++;
        maxSessions = Math.max(maxSessions, sessions);
        idle = idle == null || idleLimit.compareTo(idle) < 0 ? idleLimit : idle;
    }

    /** A source stopped using the pool; the last one closes it. */
    void release() {
        boolean last;
        synchronized (this) {
            references--;
            last = references <= 0;
        }
        if (last) {
            close();
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Sessions started since the pool was made (for tests and the benchmark). */
    synchronized int started() {
        return started;
    }

    /** Sessions open now, in use or idle. */
    synchronized List<BrowserSession> sessions() {
        return List.copyOf(all);
    }

    /** A live session: an idle one, a new one while under the limit, or the next one given back. */
    BrowserSession borrow() throws InterruptedException {
        while (true) {
            BrowserSession candidate = null;
            synchronized (this) {
                while (true) {
                    if (closed) {
                        throw new FlywheelException("the browser pool is closed (Flywheel is stopping)");
                    }
                    candidate = idleSessions.pollFirst();
                    if (candidate != null) {
                        break;
                    }
                    if (all.size() + starting < maxSessions) {
                        starting++;
                        break;
                    }
                    wait();
                }
            }
            if (candidate != null) {
                if (candidate.alive()) {
                    return candidate;
                }
                log.info("A pooled Chromium session stopped answering; starting a new one");
                discard(candidate);
                continue;
            }
            BrowserSession fresh;
            try {
                fresh = starter.apply(binaries);
            } finally {
                synchronized (this) {
                    starting--;
                    notifyAll();
                }
            }
            synchronized (this) {
                if (closed) {
                    fresh.close();
                    throw new FlywheelException("the browser pool is closed (Flywheel is stopping)");
                }
                all.add(fresh);
                started++;
                installShutdownHook();
            }
            return fresh;
        }
    }

    /** Returns a healthy session for reuse. */
    void giveBack(BrowserSession s) {
        boolean closeIt;
        synchronized (this) {
            closeIt = closed || !all.contains(s);
            if (!closeIt) {
                s.lastUsed = clock.instant();
                idleSessions.addFirst(s);
                notifyAll();
            }
        }
        if (closeIt) {
            s.close();
            return;
        }
        Duration limit = idle;
        scheduler.schedule(limit, this::closeIdle);
    }

    /** Drops a broken session: its processes are killed and its folder deleted. */
    void discard(BrowserSession s) {
        synchronized (this) {
            all.remove(s);
            idleSessions.remove(s);
            notifyAll();
        }
        s.close();
    }

    private void closeIdle() {
        List<BrowserSession> expired = new ArrayList<>();
        synchronized (this) {
            for (BrowserSession s : List.copyOf(idleSessions)) {
                if (s.lastUsed != null && !s.lastUsed.plus(idle).isAfter(clock.instant())) {
                    idleSessions.remove(s);
                    all.remove(s);
                    expired.add(s);
                }
            }
            notifyAll();
        }
        if (!expired.isEmpty()) {
            log.debug("Closing {} idle Chromium session(s)", expired.size());
        }
        expired.forEach(BrowserSession::close);
    }

    private void installShutdownHook() {
        if (shutdownHook == null) {
            shutdownHook = new Thread(this::closeAll, "flywheel-chromium-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    private void closeAll() {
        List<BrowserSession> sessions;
        synchronized (this) {
            closed = true;
            sessions = List.copyOf(all);
            all.clear();
            idleSessions.clear();
            notifyAll();
        }
        sessions.forEach(BrowserSession::close);
    }

    @Override
    public void close() {
        closeAll();
        Thread hook;
        synchronized (this) {
            hook = shutdownHook;
            shutdownHook = null;
        }
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running or ran
            }
        }
    }
}
