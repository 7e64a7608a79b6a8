package io.flywheel.api.command;

import java.util.List;
import java.util.Objects;

/**
 * The answer to a command.
 *
 * @param text what to say, plain text or Discord markdown
 * @param ephemeral shown only to the caller
 * @param attachments files sent with the answer (a chart); a chat output that cannot send files
 *     sends the text alone
 */
public record CommandReply(String text, boolean ephemeral, List<Attachment> attachments) {
    public CommandReply {
        Objects.requireNonNull(text, "text");
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    public CommandReply(String text, boolean ephemeral) {
        this(text, ephemeral, List.of());
    }

    public static CommandReply of(String text) {
        return new CommandReply(text, false);
    }

    public static CommandReply privately(String text) {
        return new CommandReply(text, true);
    }

    /** This reply with {@code file} attached too. */
    public CommandReply with(Attachment file) {
        List<Attachment> all = new java.util.ArrayList<>(attachments);
        all.add(file);
        return new CommandReply(text, ephemeral, all);
    }

    /**
     * A file attached to a reply.
     *
     * @param name the file name shown, e.g. {@code funnel.png}
     * @param contentType its media type, e.g. {@code image/png}
     * @param data its bytes
     */
    public record Attachment(String name, String contentType, byte[] data) {
        public Attachment {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(data, "data");
            if (name.isBlank() || name.contains("/") || name.contains("\\")) {
                throw new IllegalArgumentException("attachment name must be a plain file name, found '" + name + "'");
            }
            data = data.clone();
        }

        /** A PNG image. */
        public static Attachment png(String name, byte[] data) {
            return new Attachment(name, "image/png", data);
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Attachment a && a.name.equals(name) && a.contentType.equals(contentType) && java.util.Arrays.equals(a.data, data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, contentType, java.util.Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return "Attachment[" + name + ", " + contentType + ", " + data.length + " bytes]";
        }
    }
}
