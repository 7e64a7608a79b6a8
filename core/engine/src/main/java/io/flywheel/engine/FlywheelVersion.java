package io.flywheel.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** This build's version. */
public final class FlywheelVersion {
    private static final String VERSION = load();

    private FlywheelVersion() {}

    public static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = FlywheelVersion.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
