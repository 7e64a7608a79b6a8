package io.flywheel.engine.store;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Post;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.WeightSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary encodings of stored values (schema 2): varints, length-prefixed UTF-8, no reflection.
 * The first byte of every top-level value is its encoding version.
 */
final class Codec {
    static final int VERSION = 2;

    private Codec() {}

    /** A lead as stored: its insertion sequence, whether retention pruned its body, and the lead. */
    record StoredLead(long seq, boolean pruned, Lead lead) {}

    static byte[] lead(long seq, boolean pruned, Lead l) {
        Bytes b = new Bytes(256 + (l.body() == null ? 0 : l.body().length() * 2));
        b.u8(VERSION).varlong(seq).u8(pruned ? 1 : 0);
        writeLead(b, l);
        return b.toArray();
    }

    static StoredLead lead(byte[] bytes) {
        Bytes.Reader r = reader(bytes);
        long seq = r.varlong();
        boolean pruned = (r.u8() & 1) != 0;
        return new StoredLead(seq, pruned, readLead(r));
    }

    static void writeLead(Bytes b, Lead l) {
        b.str(l.key()).str(l.sourceId()).str(l.platform()).str(l.title()).nstr(l.url()).nstr(l.body()).nstr(l.company())
                .nstr(l.location()).nstr(l.compensation());
        instant(b, l.published());
        instant(b, l.foundAt());
        strings(b, l.keywords());
        b.f64(l.score());
    }

    static Lead readLead(Bytes.Reader r) {
        return new Lead(r.str(), r.str(), r.str(), r.str(), r.nstr(), r.nstr(), r.nstr(), r.nstr(), r.nstr(), instant(r), instant(r),
                strings(r), r.f64());
    }

    static byte[] link(DuplicateLink d) {
        Bytes b = new Bytes(256);
        b.u8(VERSION);
        writeLink(b, d);
        return b.toArray();
    }

    static DuplicateLink link(byte[] bytes) {
        return readLink(reader(bytes));
    }

    static void writeLink(Bytes b, DuplicateLink d) {
        b.str(d.key()).str(d.originalKey()).str(d.sourceId()).str(d.platform()).str(d.title()).nstr(d.url());
        instant(b, d.time());
        b.str(d.reason());
    }

    static DuplicateLink readLink(Bytes.Reader r) {
        return new DuplicateLink(r.str(), r.str(), r.str(), r.str(), r.str(), r.nstr(), instant(r), r.str());
    }

    static byte[] post(OutboxEntry e) {
        Bytes b = new Bytes(512);
        b.u8(VERSION);
        writePost(b, e);
        return b.toArray();
    }

    static OutboxEntry post(byte[] bytes) {
        return readPost(reader(bytes));
    }

    static void writePost(Bytes b, OutboxEntry e) {
        Post p = e.post();
        b.str(e.outputId()).str(p.id()).u8(p.kind().ordinal()).nstr(p.ref()).str(p.title()).nstr(p.url()).nstr(p.body());
        b.varint(p.fields().size());
        for (Post.Field f : p.fields()) {
            b.str(f.name()).str(f.value()).u8(f.inline() ? 1 : 0);
        }
        instant(b, p.time());
    }

    static OutboxEntry readPost(Bytes.Reader r) {
        String outputId = r.str();
        String id = r.str();
        Post.Kind kind = enumValue(Post.Kind.values(), r.u8(), "post kind");
        String ref = r.nstr();
        String title = r.str();
        String url = r.nstr();
        String body = r.nstr();
        int n = r.varint();
        List<Post.Field> fields = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fields.add(new Post.Field(r.str(), r.str(), r.u8() != 0));
        }
        return new OutboxEntry(outputId, new Post(id, kind, ref, title, url, body, fields, instant(r)));
    }

    static byte[] event(FeedbackEvent e) {
        Bytes b = new Bytes(128);
        b.u8(VERSION);
        writeEvent(b, e);
        return b.toArray();
    }

    static FeedbackEvent event(byte[] bytes) {
        return readEvent(reader(bytes));
    }

    static void writeEvent(Bytes b, FeedbackEvent e) {
        instant(b, e.time());
        b.u8(e.type().ordinal()).str(e.subject()).nstr(e.sourceId()).nstr(e.platform());
        strings(b, e.keywords());
        b.nstr(e.actor()).f64(e.value());
        doubles(b, e.context());
        b.nstr(e.detail());
    }

    static FeedbackEvent readEvent(Bytes.Reader r) {
        return new FeedbackEvent(instant(r), enumValue(FeedbackEvent.Type.values(), r.u8(), "feedback event type"), r.str(), r.nstr(), r.nstr(),
                strings(r), r.nstr(), r.f64(), doubles(r), r.nstr());
    }

    static byte[] weights(WeightSet w) {
        Bytes b = new Bytes(256);
        b.u8(VERSION);
        writeWeights(b, w);
        return b.toArray();
    }

    static WeightSet weights(byte[] bytes) {
        return readWeights(reader(bytes));
    }

    static void writeWeights(Bytes b, WeightSet w) {
        instant(b, w.time());
        b.u8(w.kind().ordinal());
        doubles(b, w.weights());
        b.str(w.scriptHash()).str(w.note());
    }

    static WeightSet readWeights(Bytes.Reader r) {
        return new WeightSet(instant(r), enumValue(WeightSet.Kind.values(), r.u8(), "weight kind"), doubles(r), r.str(), r.str());
    }

    static Bytes.Reader reader(byte[] bytes) {
        Bytes.Reader r = new Bytes.Reader(bytes);
        int version = r.u8();
        if (version != VERSION) {
            throw new StoreException("stored value has encoding version " + version + ", this Flywheel reads " + VERSION);
        }
        return r;
    }

    static <E extends Enum<E>> E enumValue(E[] values, int ordinal, String what) {
        if (ordinal >= values.length) {
            throw new StoreException("unknown " + what + " " + ordinal + " in the store (written by a newer Flywheel?)");
        }
        return values[ordinal];
    }

    static void instant(Bytes b, Instant t) {
        if (t == null) {
            b.u8(0);
        } else {
            b.u8(1).zigzag(t.getEpochSecond()).varint(t.getNano());
        }
    }

    static Instant instant(Bytes.Reader r) {
        return r.u8() == 0 ? null : Instant.ofEpochSecond(r.zigzag(), r.varint());
    }

    static void strings(Bytes b, List<String> list) {
        b.varint(list.size());
        for (String s : list) {
            b.str(s);
        }
    }

    static List<String> strings(Bytes.Reader r) {
        int n = r.varint();
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(r.str());
        }
        return list;
    }

    static void doubles(Bytes b, Map<String, Double> map) {
        b.varint(map.size());
        for (var e : map.entrySet()) {
            b.str(e.getKey()).f64(e.getValue());
        }
    }

    static Map<String, Double> doubles(Bytes.Reader r) {
        int n = r.varint();
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            map.put(r.str(), r.f64());
        }
        return map;
    }

    /** Nanoseconds since the epoch, saturated at the range of a long (years 1677 to 2262). */
    static long nanos(Instant t) {
        long s = t.getEpochSecond();
        if (s >= Long.MAX_VALUE / 1_000_000_000L) return Long.MAX_VALUE;
        if (s <= Long.MIN_VALUE / 1_000_000_000L) return Long.MIN_VALUE;
        return s * 1_000_000_000L + t.getNano();
    }
}
