package io.flywheel.engine.rules;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.SandboxPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one GraalJS {@link Engine} of the process, shared by every rule so compiled code and
 * warm-up are shared, and the watchdog that stops calls running over their limits.
 *
 * <p>The engine is optimized when the Graal compiler is on the upgrade module path (the launcher
 * and the tests arrange it); otherwise Truffle falls back to its interpreter, rules still work
 * about ten times slower, and this class logs one warning saying so.
 */
public final class JsRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JsRuntime.class);
    private static final Logger engineLog = LoggerFactory.getLogger("flywheel.rules.engine");

    /**
     * Scripts see no host class or method: only the elements of arrays the host hands them (the
     * columns of lead batches) and fields explicitly exported with {@code @HostAccess.Export}.
     */
    static final HostAccess HOST_ACCESS = HostAccess.newBuilder(HostAccess.CONSTRAINED).allowArrayAccess(true).build();

    private final Engine engine;
    private final boolean optimized;
    private final String implementation;
    private final ScheduledExecutorService watchdog;
    private final com.sun.management.ThreadMXBean threads;

    private JsRuntime(Engine engine) {
        this.engine = engine;
        this.implementation = engine.getImplementationName();
        this.optimized = !"Interpreted".equalsIgnoreCase(implementation);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("flywheel-rules-watchdog").unstarted(r));
        this.threads = ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported() ? t : null;
        if (threads != null && !threads.isThreadAllocatedMemoryEnabled()) {
            threads.setThreadAllocatedMemoryEnabled(true);
        }
        if (threads != null && threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
    }

    /** Starts the engine; logs one warning when only the interpreter is available. */
    public static JsRuntime start() {
        Engine engine = Engine.newBuilder("js")
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .logHandler(new Slf4jHandler())
                // We say it once, in our own words, below.
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        JsRuntime runtime = new JsRuntime(engine);
        if (!runtime.optimized) {
            log.warn("JavaScript rules run on the interpreter, about 10x slower than compiled: this JVM has no Graal compiler on its "
                    + "upgrade module path. Start Flywheel with ./flywheel, which adds -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI "
                    + "--upgrade-module-path=<flywheel home>/jvmci when that folder exists (it is built into dist/target/flywheel/jvmci).");
        }
        return runtime;
    }

    /**
     * Starts the engine on a background thread and initializes JavaScript once in a throwaway
     * sandbox, so a process can overlap the engine's cold start (seconds on a cold JVM) with its
     * own start-up work. The first rule compiled afterwards loads in milliseconds.
     */
    public static CompletableFuture<JsRuntime> startInBackground() {
        CompletableFuture<JsRuntime> started = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("flywheel-rules-start").start(() -> {
            try {
                JsRuntime runtime = start();
                runtime.prewarm();
                started.complete(runtime);
            } catch (RuntimeException | LinkageError e) {
                started.completeExceptionally(e);
            }
        });
        return started;
    }

    /** Runs what every rule's first call needs (classes, private fields, JSON, Math) in a sandbox like theirs. */
    void prewarm() {
        ScriptSource warm = new ScriptSource("flywheel-prewarm", null, """
                class Lead { #b; constructor(b) { this.#b = b; this.keywords = ['a']; } get b() { return this.#b; } }
                function score(leads, weights) { return leads.map(l => Math.exp(-l.b) + (weights[l.keywords[0]] || 0)); }
                score([new Lead(1), new Lead(2)], Object.freeze({ a: 1 }));
                JSON.stringify(JSON.parse('{"a":[1,2.5,{"b":null}]}'));
                """);
        try (CompiledScript ignored = compile(warm, RuleKind.LEAD_SCORE, RuleLimits.DEFAULT.withTimeLimit(java.time.Duration.ofSeconds(30)))) {
            log.debug("JavaScript runtime warmed up");
        } catch (RuntimeException e) {
            log.debug("warming up the JavaScript runtime", e);
        }
    }

    /** True when guest code is compiled by the Graal compiler, false on the fallback interpreter. */
    public boolean optimized() {
        return optimized;
    }

    /** {@code optimized (GraalVM CE)} or {@code interpreted}. */
    public String describe() {
        return optimized ? "optimized (" + implementation + ")" : "interpreted";
    }

    /**
     * Compiles {@code source} in a fresh sandboxed context and checks it defines the rule's
     * function; throws {@link RuleException} naming the script and line when it does not load.
     */
    public CompiledScript compile(ScriptSource source, RuleKind kind, RuleLimits limits) {
        return CompiledScript.load(this, source, kind, limits);
    }

    /** As {@link #compile(ScriptSource, RuleKind, RuleLimits)}, a keyword-weights rule warmed up on input of {@code size}. */
    CompiledScript compile(ScriptSource source, RuleKind kind, RuleLimits limits, CompiledScript.WarmUpSize size) {
        return CompiledScript.load(this, source, kind, limits, size);
    }

    Engine engine() {
        return engine;
    }

    ScheduledExecutorService watchdog() {
        return watchdog;
    }

    /** Bytes allocated so far by {@code thread}, or -1 where the JVM cannot tell. */
    long allocatedBytes(Thread thread) {
        return threads == null ? -1 : threads.getThreadAllocatedBytes(thread.threadId());
    }

    /**
     * CPU time {@code thread} has used, or -1 where the JVM cannot tell. The time limit counts this
     * rather than wall time: on a busy machine (or while the JIT compiles in the background) a call
     * can wait for a core without using any, and that is not the script's doing.
     */
    long cpuNanos(Thread thread) {
        return threads == null || !threads.isThreadCpuTimeSupported() ? -1 : threads.getThreadCpuTime(thread.threadId());
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        try {
            engine.close(true);
        } catch (RuntimeException e) {
            log.debug("closing the JavaScript engine", e);
        }
    }

    /** Truffle's own log lines (compilation failures, deoptimization storms) into ours. */
    private static final class Slf4jHandler extends Handler {
        @Override
        public void publish(LogRecord r) {
            String msg = "[" + r.getLoggerName() + "] " + r.getMessage();
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                engineLog.warn(msg);
            } else if (r.getLevel().intValue() >= Level.INFO.intValue()) {
                engineLog.info(msg);
            } else {
                engineLog.debug(msg);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
