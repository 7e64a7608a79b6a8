package io.flywheel.engine.plugin;

import java.nio.file.Path;
import java.util.List;

/**
 * What became of one plugin file: loaded and providing types, or failed with the reason.
 *
 * @param id the plugin id, or the file name when no descriptor could be read
 * @param version the plugin version, or {@code "?"}
 * @param file the jar or zip it came from ({@code null} for types built into the host)
 * @param provides the component types and commands it provides, e.g. {@code lead source 'rss'}
 * @param failure why it is not usable, or {@code null}
 * @param notes anything else worth knowing (a type another plugin also claims)
 */
public record PluginReport(String id, String version, Path file, State state, List<String> provides, String failure, List<String> notes) {

    public enum State { STARTED, FAILED, DISABLED, BUILT_IN }

    public PluginReport {
        provides = List.copyOf(provides);
        notes = List.copyOf(notes);
    }

    public boolean usable() {
        return state == State.STARTED || state == State.BUILT_IN;
    }

    public String fileName() {
        return file == null ? "(built in)" : file.getFileName().toString();
    }

    /** The file as an operator finds it: its path from the working folder, or absolute when outside it. */
    public String shownFile() {
        return file == null ? "(built in)" : shown(file);
    }

    /** {@code file} from the working folder, or absolute when outside it (what messages about a plugin file name). */
    public static String shown(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath().normalize();
        return absolute.startsWith(here) && !absolute.equals(here) ? here.relativize(absolute).toString() : absolute.toString();
    }
}
