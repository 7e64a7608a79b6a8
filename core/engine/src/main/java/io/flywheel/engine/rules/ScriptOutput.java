package io.flywheel.engine.rules;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a script's {@code console.log} and {@code print} go: one log line per line, at most
 * {@code maxLines} per call and 500 characters per line, so a chatty or runaway script cannot
 * flood the log or the heap.
 */
final class ScriptOutput extends OutputStream {
    private static final Logger log = LoggerFactory.getLogger("flywheel.rules.script");
    static final int MAX_LINE = 500;

    private final String scriptName;
    private final int maxLines;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private int lines;
    private int dropped;

    ScriptOutput(String scriptName, int maxLines) {
        this.scriptName = scriptName;
        this.maxLines = maxLines;
    }

    synchronized void beginCall() {
        lines = 0;
        dropped = 0;
        line.reset();
    }

    synchronized void endCall() {
        if (line.size() > 0) {
            emit();
        }
        if (dropped > 0) {
            log.info("{}: {} more line(s) of output dropped (at most {} per call)", scriptName, dropped, maxLines);
        }
        dropped = 0;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            emit();
        } else if (line.size() < MAX_LINE) {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    private void emit() {
        if (lines < maxLines) {
            lines++;
            log.info("{}: {}", scriptName, line.toString(StandardCharsets.UTF_8).stripTrailing());
        } else {
            dropped++;
        }
        line.reset();
    }
}
