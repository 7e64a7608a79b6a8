package io.flywheel.engine.rules;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/** The version of one rule in force. A reload swaps it atomically; callers read it once per call. */
public final class LiveRule implements Supplier<CompiledScript> {
    private final RuleKind kind;
    private final AtomicReference<CompiledScript> current;

    LiveRule(RuleKind kind, CompiledScript initial) {
        this.kind = kind;
        this.current = new AtomicReference<>(initial);
    }

    public RuleKind kind() {
        return kind;
    }

    @Override
    public CompiledScript get() {
        return current.get();
    }

    /** Puts {@code next} in force; returns the version it replaced (the caller closes it). */
    CompiledScript swap(CompiledScript next) {
        return current.getAndSet(next);
    }

    /** Runs {@code body} with the live version; if a reload unloaded that version meanwhile, once more with the new one. */
    public <T> T apply(Function<CompiledScript, T> body) {
        CompiledScript version = current.get();
        try {
            return body.apply(version);
        } catch (RuleException e) {
            CompiledScript now = current.get();
            if (now != version && version.isClosed()) {
                return body.apply(now);
            }
            throw e;
        }
    }
}
