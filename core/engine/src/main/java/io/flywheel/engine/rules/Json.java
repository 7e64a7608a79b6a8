package io.flywheel.engine.rules;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Writes the small inputs of the weight rules as JSON text, which the harness parses in JavaScript. */
final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {}

    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    static String write(Writer body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /*
     * Names are written sorted: a rule iterates them in this order and draws its random numbers in
     * it, and Map.copyOf's iteration order changes from one JVM to the next, so the same inputs
     * would give other weights after a restart.
     */
    static String weights(Map<String, Double> weights) {
        return write(g -> {
            g.writeStartObject();
            for (Map.Entry<String, Double> e : new java.util.TreeMap<>(weights).entrySet()) {
                g.writeNumberField(e.getKey(), finite(e.getValue()));
            }
            g.writeEndObject();
        });
    }

    static String returns(Map<String, List<Double>> returns) {
        return write(g -> {
            g.writeStartObject();
            for (Map.Entry<String, List<Double>> e : new java.util.TreeMap<>(returns).entrySet()) {
                g.writeArrayFieldStart(e.getKey());
                for (Double r : e.getValue()) {
                    g.writeNumber(finite(r));
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        });
    }

    /** JSON has no NaN or infinity; a rule input never carries them (they are dropped to 0). */
    static double finite(Double d) {
        return d == null || !Double.isFinite(d) ? 0.0 : d;
    }
}
