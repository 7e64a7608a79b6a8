package io.flywheel.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this API, which plugins name in {@code Plugin-Requires}. */
public final class ApiVersion {
    private static final String VERSION = load();

    private ApiVersion() {}

    /** Semantic version of the plugin API, for example {@code 1.0.0}. */
    public static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = ApiVersion.class.getResourceAsStream("api-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("api-version.properties is missing from flywheel-api");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
