package io.flywheel.engine.store;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Post;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.WeightSet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The value encodings of schema version 1 (the first MapDbStore), kept to migrate old stores. */
final class LegacyCodec {
    private static final int VERSION = 1;

    private LegacyCodec() {}

    static byte[] lead(Lead l) {
        return write(out -> {
            out.writeUTF(l.key());
            out.writeUTF(l.sourceId());
            out.writeUTF(l.platform());
            str(out, l.title());
            nullable(out, l.url());
            nullable(out, l.body());
            nullable(out, l.company());
            nullable(out, l.location());
            nullable(out, l.compensation());
            instant(out, l.published());
            instant(out, l.foundAt());
            strings(out, l.keywords());
            out.writeDouble(l.score());
        });
    }

    static Lead lead(byte[] bytes) {
        return read(bytes, in -> new Lead(in.readUTF(), in.readUTF(), in.readUTF(), str(in), nullable(in), nullable(in), nullable(in),
                nullable(in), nullable(in), instant(in), instant(in), strings(in), in.readDouble()));
    }

    static byte[] post(OutboxEntry e) {
        Post p = e.post();
        return write(out -> {
            out.writeUTF(e.outputId());
            out.writeUTF(p.id());
            out.writeByte(p.kind().ordinal());
            nullable(out, p.ref());
            str(out, p.title());
            nullable(out, p.url());
            nullable(out, p.body());
            out.writeInt(p.fields().size());
            for (Post.Field f : p.fields()) {
                str(out, f.name());
                str(out, f.value());
                out.writeBoolean(f.inline());
            }
            instant(out, p.time());
        });
    }

    static OutboxEntry post(byte[] bytes) {
        return read(bytes, in -> {
            String outputId = in.readUTF();
            String id = in.readUTF();
            Post.Kind kind = Post.Kind.values()[in.readByte()];
            String ref = nullable(in);
            String title = str(in);
            String url = nullable(in);
            String body = nullable(in);
            int n = in.readInt();
            List<Post.Field> fields = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                fields.add(new Post.Field(str(in), str(in), in.readBoolean()));
            }
            return new OutboxEntry(outputId, new Post(id, kind, ref, title, url, body, fields, instant(in)));
        });
    }

    static byte[] event(FeedbackEvent e) {
        return write(out -> {
            instant(out, e.time());
            out.writeByte(e.type().ordinal());
            str(out, e.subject());
            nullable(out, e.sourceId());
            nullable(out, e.platform());
            strings(out, e.keywords());
            nullable(out, e.actor());
            out.writeDouble(e.value());
            doubles(out, e.context());
            nullable(out, e.detail());
        });
    }

    static FeedbackEvent event(byte[] bytes) {
        return read(bytes, in -> new FeedbackEvent(instant(in), FeedbackEvent.Type.values()[in.readByte()], str(in), nullable(in),
                nullable(in), strings(in), nullable(in), in.readDouble(), doubles(in), nullable(in)));
    }

    static byte[] weights(WeightSet w) {
        return write(out -> {
            instant(out, w.time());
            out.writeByte(w.kind().ordinal());
            doubles(out, w.weights());
            str(out, w.scriptHash());
            str(out, w.note());
        });
    }

    static WeightSet weights(byte[] bytes) {
        return read(bytes, in -> new WeightSet(instant(in), WeightSet.Kind.values()[in.readByte()], doubles(in), str(in), str(in)));
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer w) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            w.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(byte[] bytes, Reader<T> r) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new StoreException("stored value has encoding version " + version + ", this Flywheel reads " + VERSION);
            }
            return r.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // writeUTF is limited to 64 KB; bodies can be longer.
    private static void str(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String str(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void nullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) str(out, s);
    }

    private static String nullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? str(in) : null;
    }

    private static void instant(DataOutputStream out, Instant t) throws IOException {
        out.writeBoolean(t != null);
        if (t != null) {
            out.writeLong(t.getEpochSecond());
            out.writeInt(t.getNano());
        }
    }

    private static Instant instant(DataInputStream in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }

    private static void strings(DataOutputStream out, List<String> list) throws IOException {
        out.writeInt(list.size());
        for (String s : list) str(out, s);
    }

    private static List<String> strings(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) list.add(str(in));
        return list;
    }

    private static void doubles(DataOutputStream out, Map<String, Double> map) throws IOException {
        out.writeInt(map.size());
        for (var e : map.entrySet()) {
            str(out, e.getKey());
            out.writeDouble(e.getValue());
        }
    }

    private static Map<String, Double> doubles(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) map.put(str(in), in.readDouble());
        return map;
    }
}
