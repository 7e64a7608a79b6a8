package io.flywheel.testkit;

import io.flywheel.api.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A scheduler on a {@link ManualClock}: tasks run when a test advances time past their due time,
 * on the test's thread, in due order. {@link #sleep} moves the clock forward at once and records
 * the wait, so code that backs off can be tested without waiting.
 */
public final class ManualScheduler implements Scheduler {
    private final ManualClock clock;
    private final PriorityQueue<Task> queue = new PriorityQueue<>(Comparator.comparing(Task::due).thenComparingLong(Task::seq));
    private final List<Duration> sleeps = new ArrayList<>();
    private long seq;

    private record Task(Instant due, long seq, Runnable action, boolean[] cancelled) {}

    public ManualScheduler(ManualClock clock) {
        this.clock = clock;
    }

    public ManualClock clock() {
        return clock;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        queue.add(new Task(clock.instant().plus(delay.isNegative() ? Duration.ZERO : delay), seq++, task, cancelled));
        return () -> {
            synchronized (ManualScheduler.this) {
                cancelled[0] = true;
            }
        };
    }

    @Override
    public void sleep(Duration duration) {
        synchronized (this) {
            sleeps.add(duration);
        }
        clock.advance(duration.isNegative() ? Duration.ZERO : duration);
    }

    /** Every wait passed to {@link #sleep}, in order. */
    public synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    /** Advances the clock by {@code d}, running every task that falls due on the way. Returns how many ran. */
    public int advance(Duration d) {
        Instant end = clock.instant().plus(d);
        int ran = 0;
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due().isAfter(end)) {
                    break;
                }
                queue.poll();
                if (next.cancelled()[0]) {
                    continue;
                }
            }
            if (next.due().isAfter(clock.instant())) {
                clock.set(next.due());
            }
            next.action().run();
            ran++;
        }
        if (end.isAfter(clock.instant())) {
            clock.set(end);
        }
        return ran;
    }

    /** Runs tasks already due without moving the clock. */
    public int runDue() {
        return advance(Duration.ZERO);
    }

    public synchronized int pending() {
        return (int) queue.stream().filter(t -> !t.cancelled()[0]).count();
    }

    /** When the next pending task is due, if any. */
    public synchronized java.util.Optional<Instant> nextDue() {
        return queue.stream().filter(t -> !t.cancelled()[0]).map(Task::due).min(Comparator.naturalOrder());
    }
}
