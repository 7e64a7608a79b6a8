package io.flywheel.engine.cli;

import io.flywheel.api.ApiVersion;
import picocli.CommandLine;

/** {@code --version}: Flywheel's version, the plugin API version and the JVM. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws Exception {
        return new String[] {
            "flywheel " + io.flywheel.engine.FlywheelVersion.current(),
            "plugin API " + ApiVersion.current(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
