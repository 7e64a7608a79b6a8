package io.flywheel.engine.rules;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded version of a rule: a sandboxed context with the script evaluated, reused for every
 * call. All calls run on the version's own platform thread, one at a time (a context is
 * single-threaded), so the watchdog can measure what a call allocates and stop it: past the time
 * limit or the allocation budget it is interrupted, which leaves the context usable; if it will not
 * stop, the context is cancelled and rebuilt on the next call. Past the statement limit GraalJS
 * cancels the context itself; it is rebuilt the same way.
 */
public final class CompiledScript implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CompiledScript.class);
    /** Deletes what a sandboxed script has no use for even though it could do nothing with it. */
    private static final Source PRELUDE = Source.newBuilder("js",
            "for (const n of ['Java', 'java', 'javax', 'javafx', 'com', 'org', 'edu', 'Packages', 'load', 'loadWithNewGlobal']) {"
                    + " try { delete globalThis[n]; } catch (e) {} }",
            "flywheel-prelude").buildLiteral();
    /**
     * What the statement limit counts: the operator's script, not our prelude and harness around it
     * (the time limit covers those). One instance for every context: an engine accepts only one.
     */
    private static final java.util.function.Predicate<Source> OPERATOR_CODE =
            s -> !s.getName().equals("flywheel-prelude") && !s.getName().startsWith("flywheel-harness-");
    private static final Duration INTERRUPT_WAIT = Duration.ofSeconds(1);
    private static final Duration ABANDON_AFTER = Duration.ofSeconds(5);
    /** However little CPU a call uses, it is stopped after this much wall time (or 10 time limits, if more). */
    private static final Duration WALL_BACKSTOP = Duration.ofSeconds(2);

    private final JsRuntime runtime;
    private final ScriptSource source;
    private final RuleKind kind;
    private final RuleLimits limits;
    private final String hash;
    private final ScriptOutput output;
    private final ExecutorService thread;
    private final Thread worker;

    // Confined to the worker thread, except for interrupt/close from the watchdog.
    private volatile Context context;
    private Value api;
    private int generation;
    /** The rule function the script defines: {@link RuleKind#function()} or its older form. */
    private volatile String entryPoint;
    private volatile boolean closed;
    private volatile WarmUpSize warmUpSize = WarmUpSize.DEFAULT;

    private CompiledScript(JsRuntime runtime, ScriptSource source, RuleKind kind, RuleLimits limits) {
        this.runtime = runtime;
        this.source = source;
        this.kind = kind;
        this.limits = limits;
        this.hash = source.hash();
        this.output = new ScriptOutput(source.name(), limits.maxLogLines());
        Thread[] made = new Thread[1];
        this.thread = Executors.newSingleThreadExecutor(r -> {
            made[0] = Thread.ofPlatform().daemon().name("flywheel-rule-" + kind.id()).unstarted(r);
            return made[0];
        });
        try {
            this.worker = thread.submit(Thread::currentThread).get();
        } catch (Exception e) {
            thread.shutdownNow();
            throw new IllegalStateException("cannot start the thread for " + source.name(), e);
        }
    }

    /**
     * The size of the input a keyword-weights call gets in a deployment: its keywords and feedback
     * windows. The warm-up runs on input of this size, so the first real calls find compiled the
     * code paths and loop lengths they need (warmed on 16 x 30, a deployment of 50 keywords over 60
     * or 168 windows still had its first updates run over the 200 ms limit in a new process).
     * Capped, since the warm-up has a budget of its own.
     */
    record WarmUpSize(int keywords, int windows) {
        static final WarmUpSize DEFAULT = new WarmUpSize(16, 30);

        WarmUpSize {
            keywords = Math.clamp(keywords, 1, 100);
            windows = Math.clamp(windows, 1, 200);
        }
    }

    static CompiledScript load(JsRuntime runtime, ScriptSource source, RuleKind kind, RuleLimits limits) {
        return load(runtime, source, kind, limits, WarmUpSize.DEFAULT);
    }

    /** The input size a weight rule was warmed up on. */
    WarmUpSize warmUpSize() {
        return warmUpSize;
    }

    static CompiledScript load(JsRuntime runtime, ScriptSource source, RuleKind kind, RuleLimits limits, WarmUpSize warmUpSize) {
        CompiledScript script = new CompiledScript(runtime, source, kind, limits);
        script.warmUpSize = warmUpSize;
        try {
            script.execute("loading", limits.loadLimit(), i -> {
                script.ensureLoaded();
                return null;
            });
            if (kind != RuleKind.LEAD_SCORE) {
                // Queued ahead of any call, not waited for: the first update or replay finds the rule compiled.
                script.submit("warming up", limits.loadLimit(), 1, i -> {
                    script.warmUpOnHistory();
                    return null;
                }).whenComplete((r, e) -> {
                    if (e != null) {
                        log.debug("{}: warm-up stopped: {}", source.name(), e.getMessage());
                    }
                });
            }
            return script;
        } catch (RuntimeException e) {
            script.close();
            throw e;
        }
    }

    public ScriptSource source() {
        return source;
    }

    public RuleKind kind() {
        return kind;
    }

    public RuleLimits limits() {
        return limits;
    }

    /** True once unloaded (replaced by a reload, or given up on). */
    public boolean isClosed() {
        return closed;
    }

    /** The function this version's script defines, e.g. {@code scoreBatch} (known once loaded). */
    public String entryPoint() {
        return entryPoint;
    }

    /** SHA-256 of the script text. */
    public String hash() {
        return hash;
    }

    /** The harness object the rule's harness code returned, and which load of the context it belongs to. */
    record Bound(Value api, int generation) {
        Value fn(String name) {
            return api.getMember(name);
        }
    }

    /**
     * Runs {@code body} on this version's thread within the call limits. Whatever the script does
     * (throws, loops, recurses, allocates) comes back as a {@link RuleException} naming the script,
     * the line where the engine knows it, and {@code what} (for example {@code score()}).
     */
    <T> T call(String what, Function<Bound, T> body) {
        reloadIfCancelled();
        return execute(what, limits.timeLimit(), 1, i -> {
            ensureLoaded();
            return body.apply(new Bound(api, generation));
        });
    }

    /**
     * {@code count} calls handed to this version's thread at once, run in order; each gets the call
     * limits afresh (time, statements, allocation, log lines), exactly as {@link #call} would give
     * it. The first failure ends the rest and is thrown.
     */
    void callEach(String what, int count, java.util.function.ObjIntConsumer<Bound> body) {
        reloadIfCancelled();
        execute(what, limits.timeLimit(), count, i -> {
            ensureLoaded();
            body.accept(new Bound(api, generation), i);
            return null;
        });
    }

    private void reloadIfCancelled() {
        if (context == null) {
            // Rebuilt after a cancel: loading and warming up get the load limit, not the call's.
            execute("loading", limits.loadLimit(), 1, i -> {
                ensureLoaded();
                return null;
            });
        }
    }

    private interface Body<T> {
        T run(int i);
    }

    private <T> T execute(String what, Duration limit, Body<T> body) {
        return execute(what, limit, 1, body);
    }

    private <T> T execute(String what, Duration limit, int count, Body<T> body) {
        CompletableFuture<T> result = submit(what, limit, count, body);
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuleException re) {
                throw re;
            }
            throw new RuleException(source.name() + ": " + what + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Queues {@code count} calls on this version's thread, each under {@code limit}; the future completes after the last. */
    private <T> CompletableFuture<T> submit(String what, Duration limit, int count, Body<T> body) {
        if (closed) {
            throw new RuleException(source.name() + ": this version has been unloaded");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        Guard guard = new Guard(what, limit);
        try {
            thread.execute(() -> {
                if (result.isDone()) {
                    return;
                }
                try {
                    T last = null;
                    for (int i = 0; i < count && !result.isDone(); i++) {
                        guard.begin();
                        output.beginCall();
                        try {
                            Context c = context;
                            if (c != null) {
                                c.resetLimits();
                            }
                            last = body.run(i);
                        } finally {
                            guard.end();
                            output.endCall();
                        }
                    }
                    result.complete(last);
                } catch (Throwable t) {
                    result.completeExceptionally(translate(what, t, guard));
                }
            });
        } catch (RejectedExecutionException e) {
            throw new RuleException(source.name() + ": this version has been unloaded");
        }
        ScheduledFuture<?> tick = runtime.watchdog().scheduleAtFixedRate(() -> guard.check(result), 5, 5, TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> tick.cancel(false));
        return result;
    }

    private void ensureLoaded() {
        if (context != null && api != null) {
            return;
        }
        Context c = Context.newBuilder("js")
                .engine(runtime.engine())
                .sandbox(SandboxPolicy.CONSTRAINED)
                .allowHostAccess(JsRuntime.HOST_ACCESS)
                .allowHostClassLookup(name -> false)
                .allowIO(IOAccess.NONE)
                .allowCreateThread(false)
                .allowCreateProcess(false)
                .allowNativeAccess(false)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .out(output)
                .err(output)
                .option("js.graal-builtin", "false")
                .resourceLimits(ResourceLimits.newBuilder().statementLimit(limits.statementLimit(), OPERATOR_CODE).build())
                .build();
        context = c;
        c.eval(PRELUDE);
        c.eval(Source.newBuilder("js", source.text(), source.name()).buildLiteral());
        Value bindings = c.getBindings("js");
        Value fn = function(bindings, kind.function());
        Value older = kind.olderFunction() == null ? null : function(bindings, kind.olderFunction());
        if (fn == null && older == null) {
            throw new RuleException(source.name() + ": defines no function " + kind.function() + "; a " + kind.id()
                    + " rule must declare `function " + kind.signature() + " { ... }` at its top level"
                    + (older == null && kind.olderFunction() != null ? " (or the older `function " + kind.olderSignature() + " { ... }`)" : ""));
        }
        if (fn != null && older != null) {
            throw new RuleException(source.name() + ": defines both " + kind.function() + " and " + kind.olderFunction()
                    + "; a " + kind.id() + " rule defines one of them (" + kind.function() + " gets the batch in columns, "
                    + kind.olderFunction() + " one object per lead)");
        }
        entryPoint = fn != null ? kind.function() : kind.olderFunction();
        Value factory = c.eval(Source.newBuilder("js", Harness.of(kind), "flywheel-harness-" + kind.id()).buildLiteral());
        api = kind == RuleKind.LEAD_SCORE ? factory.execute(fn, older, limits.maxResultEntries())
                : factory.execute(fn, limits.maxResultEntries(), kind == RuleKind.STRATEGY_WEIGHTS ? function(bindings, "reward") : null);
        generation++;
        c.resetLimits();
        warmUp(new Bound(api, generation));
        c.resetLimits();
    }

    private static Value function(Value bindings, String name) {
        Value v = bindings.getMember(name);
        return v != null && v.canExecute() ? v : null;
    }

    /**
     * One call on sample input while the load limit applies: the first call on a fresh context
     * initializes much of JavaScript and can take longer than a call's limit. What the call
     * returns or throws is not judged here (replay and real calls do that); running over the
     * limits is.
     */
    private void warmUp(Bound bound) {
        try {
            if (kind == RuleKind.LEAD_SCORE) {
                var leads = Replay.sampleLeads(java.util.List.of("engineer", "remote"), java.time.Instant.EPOCH.plusSeconds(86_400L * 365 * 56));
                LeadBatch batch = new BatchLayout(java.util.Map.of("engineer", 1.0, "remote", 1.0), leads.getFirst().foundAt())
                        .lay(leads, 0, leads.size());
                bound.fn("score").execute(bound.fn("bind").execute(), batch);
            } else if (kind == RuleKind.KEYWORD_WEIGHTS) {
                bound.fn("update").execute("{\"end\":0,\"windowHours\":24,\"windows\":1,\"seed\":0,\"keywords\":{\"engineer\":"
                        + "[{\"found\":4,\"posts\":4,\"engagements\":1,\"conversions\":0,\"rejections\":0}]}}", "{\"engineer\":1}");
            } else {
                bound.fn("update").execute("{\"a\":[0.01],\"b\":[-0.01]}", "{\"a\":0.5,\"b\":0.5}");
            }
        } catch (PolyglotException e) {
            warmUpThrew(e);
        }
    }

    /** A warm-up call the rule itself threw on (sample input it rejects) is only logged; a cancel, interrupt or spent limit is rethrown. */
    private void warmUpThrew(PolyglotException e) {
        if (!e.isGuestException() || e.isCancelled() || e.isInterrupted() || e.isResourceExhausted()) {
            throw e;
        }
        log.debug("{}: warm-up call threw {}", source.name(), e.getMessage());
    }

    /*
     * A weight rule's calls read whole windows of history: run in the interpreter, before Truffle has
     * compiled the rule, the bundled keyword rule took 300-500 ms of CPU for 8 to 50 keywords over
     * 14 windows, over the 200 ms call limit, so a version's first update or replay failed. Its
     * warm-up repeats a call on input of that size until one finishes in a quarter of the limit
     * (Truffle compiles in the background meanwhile), within a few seconds of the load limit.
     */
    private static final String WARM_RETURNS;
    private static final String WARM_STRATEGY_WEIGHTS;
    private static final String WARM_HISTORY;

    /** Keyword-weights input of {@code size}: its stats and current weights as the host passes them. */
    static String[] warmKeywordInput(WarmUpSize size) {
        StringBuilder stats = new StringBuilder("{\"end\":0,\"windowHours\":24,\"windows\":" + size.windows() + ",\"seed\":0,\"keywords\":{");
        StringBuilder weights = new StringBuilder("{");
        for (int k = 0; k < size.keywords(); k++) {
            stats.append(k == 0 ? "" : ",").append("\"k").append(k).append("\":[");
            for (int w = 0; w < size.windows(); w++) {
                stats.append(w == 0 ? "" : ",").append("{\"found\":20,\"posts\":20,\"engagements\":").append((k * 7 + w * 3) % 9)
                        .append(",\"conversions\":").append(w % 5 == 0 ? 1 : 0).append(",\"rejections\":0}");
            }
            stats.append(']');
            weights.append(k == 0 ? "" : ",").append("\"k").append(k).append("\":").append(1 + k % 3);
        }
        return new String[] {stats.append("}}").toString(), weights.append('}').toString()};
    }

    static {
        StringBuilder returns = new StringBuilder("{");
        StringBuilder history = new StringBuilder("{");
        StringBuilder strategies = new StringBuilder("{");
        for (int i = 0; i < 4; i++) {
            returns.append(i == 0 ? "" : ",").append("\"s").append(i).append("\":[0.01,-0.004]");
            history.append(i == 0 ? "" : ",").append("\"s").append(i).append("\":[");
            for (int p = 0; p < 104; p++) {
                history.append(p == 0 ? "" : ",").append(((p * (i + 3)) % 11 - 5) / 500.0);
            }
            history.append(']');
            strategies.append(i == 0 ? "" : ",").append("\"s").append(i).append("\":0.25");
        }
        WARM_RETURNS = returns.append('}').toString();
        WARM_HISTORY = history.append('}').toString();
        WARM_STRATEGY_WEIGHTS = strategies.append('}').toString();
    }

    private static final long WARM_BUDGET_NANOS = 4_000_000_000L;

    /** On this version's thread: weight-rule calls on input of realistic size until they run compiled (see above). */
    private void warmUpOnHistory() {
        ensureLoaded();
        Bound bound = new Bound(api, generation);
        Context c = context;
        try {
            if (kind == RuleKind.KEYWORD_WEIGHTS) {
                String[] input = warmKeywordInput(warmUpSize);
                untilCompiled(c, () -> bound.fn("update").execute(input[0], input[1]));
            } else {
                untilCompiled(c, () -> bound.fn("update").execute(WARM_RETURNS, WARM_STRATEGY_WEIGHTS, WARM_HISTORY));
            }
        } catch (PolyglotException e) {
            warmUpThrew(e);
        }
    }

    private void untilCompiled(Context c, Runnable call) {
        Thread self = Thread.currentThread();
        long start = runtime.cpuNanos(self);
        if (start < 0) {
            call.run(); // no CPU clock: one call, as for the lead rule
            return;
        }
        long quarter = limits.timeLimit().toNanos() / 4;
        for (int i = 0; i < 50; i++) {
            long before = runtime.cpuNanos(self);
            call.run();
            long after = runtime.cpuNanos(self);
            c.resetLimits(); // each warm-up call gets the statement limit of one call
            if (after - before < quarter || after - start > WARM_BUDGET_NANOS) {
                return;
            }
        }
    }

    /** Drops the context so the next call rebuilds it (after a cancel, which leaves it unusable). */
    private void discardContext() {
        Context c = context;
        context = null;
        api = null;
        if (c != null) {
            try {
                c.close(true);
            } catch (RuntimeException e) {
                log.debug("closing a cancelled context of {}", source.name(), e);
            }
        }
    }

    private RuleException translate(String what, Throwable t, Guard guard) {
        if (t instanceof RuleException re) {
            return re;
        }
        String where = source.name();
        String message;
        if (t instanceof PolyglotException pe) {
            where = location(pe);
            boolean cancelled = pe.isCancelled();
            if (guard.reason != null) {
                message = what + " was stopped: it " + guard.reason;
            } else if (pe.isSyntaxError()) {
                message = "syntax error: " + syntaxMessage(pe.getMessage());
            } else if (cancelled) {
                message = what + " was stopped: it ran more than " + String.format(Locale.ROOT, "%,d", limits.statementLimit())
                        + " statements (rules.statement-limit)";
            } else if (pe.isResourceExhausted()) {
                message = what + " ran out of resources: " + pe.getMessage();
            } else if (pe.isInterrupted()) {
                message = what + " was interrupted";
            } else if (pe.isHostException()) {
                message = what + " failed in the host: " + pe.asHostException();
            } else if (pe.isInternalError()) {
                message = what + " hit an internal error of the JavaScript engine: " + pe.getMessage();
            } else {
                message = what + " threw " + pe.getMessage();
            }
            if (cancelled || pe.isResourceExhausted() || pe.isInternalError()) {
                discardContext();
            }
        } else if (t instanceof OutOfMemoryError) {
            discardContext();
            message = what + " ran out of memory: " + t.getMessage();
        } else if (t instanceof StackOverflowError) {
            discardContext();
            message = what + " overflowed the stack";
        } else {
            message = what + " failed: " + t;
        }
        int line = where.startsWith(source.name() + ":") ? Integer.parseInt(where.substring(source.name().length() + 1)) : 0;
        return new RuleException(where + ": " + message, line, t);
    }

    /** GraalJS says "SyntaxError: name:line:column Expected ... \n<source line>\n^": keep what is wrong. */
    private String syntaxMessage(String raw) {
        String first = raw == null ? "" : raw.lines().findFirst().orElse("").strip();
        String prefix = "SyntaxError: " + source.name() + ":";
        if (first.startsWith(prefix)) {
            String rest = first.substring(prefix.length());
            int space = rest.indexOf(' ');
            first = space < 0 ? rest : rest.substring(space + 1);
        }
        return first;
    }

    /** {@code name:line} of the innermost frame in this script, else the engine's location, else the name. */
    private String location(PolyglotException pe) {
        for (PolyglotException.StackFrame frame : pe.getPolyglotStackTrace()) {
            SourceSection s = frame.isGuestFrame() ? frame.getSourceLocation() : null;
            if (s != null && source.name().equals(s.getSource().getName())) {
                return source.name() + ":" + s.getStartLine();
            }
        }
        SourceSection s = pe.getSourceLocation();
        if (s != null && source.name().equals(s.getSource().getName())) {
            return source.name() + ":" + s.getStartLine();
        }
        return source.name();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            thread.execute(this::discardContext);
        } catch (RejectedExecutionException e) {
            discardContext();
        }
        thread.shutdown();
    }

    /** Watches one call from the watchdog thread: time, allocation, and a last resort if it will not stop. */
    private final class Guard {
        private final String what;
        private final long limitNanos;
        private volatile long startNanos;
        private volatile long startCpu;
        private volatile long startAllocated;
        private volatile boolean running;
        private volatile String reason;
        private volatile long stoppingSince;
        private boolean escalated;

        Guard(String what, Duration limit) {
            this.what = what;
            this.limitNanos = limit.toNanos();
        }

        void begin() {
            startAllocated = runtime.allocatedBytes(worker);
            startCpu = runtime.cpuNanos(worker);
            startNanos = System.nanoTime();
            running = true;
        }

        void end() {
            running = false;
        }

        void check(CompletableFuture<?> result) {
            if (!running || result.isDone()) {
                return;
            }
            long now = System.nanoTime();
            if (reason == null) {
                long allocated = startAllocated < 0 ? -1 : runtime.allocatedBytes(worker) - startAllocated;
                long cpu = startCpu < 0 ? -1 : runtime.cpuNanos(worker) - startCpu;
                long wall = now - startNanos;
                if (cpu > limitNanos || (cpu < 0 && wall > limitNanos)) {
                    reason = "ran longer than its time limit of " + (limitNanos / 1_000_000) + " ms (rules.time-limit, CPU time)";
                } else if (wall > Math.max(10 * limitNanos, WALL_BACKSTOP.toNanos())) {
                    reason = "took more than " + Math.max(10 * limitNanos, WALL_BACKSTOP.toNanos()) / 1_000_000 + " ms of wall time (10 x rules.time-limit)";
                } else if (allocated > limits.allocationLimitBytes()) {
                    reason = "allocated more than " + (limits.allocationLimitBytes() >> 20) + " MB in one call (rules.allocation-limit-mb)";
                }
                if (reason != null) {
                    stoppingSince = now;
                    Context c = context;
                    if (c != null) {
                        Thread.ofVirtual().name("flywheel-rule-stop").start(() -> stop(c));
                    }
                }
            } else if (!escalated && now - stoppingSince > ABANDON_AFTER.toNanos()) {
                // Neither interrupt nor cancel stopped it (stuck outside guest code): give up on this thread.
                escalated = true;
                closed = true;
                thread.shutdownNow();
                result.completeExceptionally(new RuleException(source.name() + ": " + what + " " + reason
                        + " and did not stop when told to; this version is unloaded"));
            }
        }

        private void stop(Context c) {
            try {
                c.interrupt(INTERRUPT_WAIT);
            } catch (TimeoutException e) {
                log.warn("{}: {} did not stop when interrupted; cancelling its context", source.name(), what);
                try {
                    c.close(true);
                } catch (RuntimeException ex) {
                    log.debug("cancelling {}", source.name(), ex);
                }
            } catch (RuntimeException e) {
                log.debug("interrupting {}", source.name(), e);
            }
        }
    }
}
