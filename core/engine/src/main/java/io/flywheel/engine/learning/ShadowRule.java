package io.flywheel.engine.learning;

import io.flywheel.engine.rules.CompiledScript;
import io.flywheel.engine.rules.RuleException;
import io.flywheel.engine.rules.RuleKind;
import io.flywheel.engine.rules.Rules;
import io.flywheel.engine.rules.ScriptSource;
import java.nio.file.Path;

/**
 * The candidate keyword rule of {@code learning.shadow}, compiled in the same sandbox and limits
 * as the live one. The file is read again at each use, so an edit takes effect at the next update;
 * a version that does not compile keeps the previous one (or none) with the error logged.
 */
public final class ShadowRule implements AutoCloseable {
    private final Rules rules;
    private final Path file;
    private final String name;
    private CompiledScript compiled;

    public ShadowRule(Rules rules, Path file, String name) {
        this.rules = rules;
        this.file = file;
        this.name = name;
    }

    public String name() {
        return name;
    }

    public Path file() {
        return file;
    }

    /** The candidate's text as it is on disk now. */
    public ScriptSource source() {
        return ScriptSource.read(file, name);
    }

    /** The compiled current version of the file; throws {@link RuleException} when it cannot be read or compiled. */
    synchronized CompiledScript current() {
        ScriptSource s = source();
        if (compiled == null || !compiled.hash().equals(s.hash())) {
            CompiledScript next = rules.compile(s, RuleKind.KEYWORD_WEIGHTS);
            if (compiled != null) {
                compiled.close();
            }
            compiled = next;
        }
        return compiled;
    }

    @Override
    public synchronized void close() {
        if (compiled != null) {
            compiled.close();
            compiled = null;
        }
    }
}
