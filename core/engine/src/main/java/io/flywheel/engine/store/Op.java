package io.flywheel.engine.store;

import io.flywheel.api.lead.Lead;
import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Partial;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.WeightSet;
import java.util.ArrayList;
import java.util.List;

/**
 * One change to the store, as journaled. Applying the same ops in the same order to the same
 * checkpoint gives the same store: every choice an op makes (which keys are new, which ids and
 * sequences it takes) depends only on the store's state, never on the clock.
 */
sealed interface Op {
    record Write(WriteBatch batch) implements Op {}

    /**
     * Posts delivered, and marks of posts partly shown (type 8 when there are any, so older journals read the same), for one
     * message {@code messageRef} when the output named it (type 10), else null.
     */
    record Delivered(String outputId, String messageRef, List<Delivery> deliveries, List<Partial> partials) implements Op {
        public Delivered {
            deliveries = List.copyOf(deliveries);
            partials = List.copyOf(partials);
        }

        Delivered(String outputId, List<Delivery> deliveries) {
            this(outputId, null, deliveries, List.of());
        }
    }

    record Events(List<FeedbackEvent> events) implements Op {}

    record Once(FeedbackEvent event) implements Op {}

    /** An engagement step recorded ({@code retract} false) or taken back, by way of {@code via} (null: a click or command). */
    record Engage(FeedbackEvent event, String via, boolean retract) implements Op {}

    /** Steps taken back by way of one {@code via}, every holder's at once (a cleared reaction): one journal entry, all or none. */
    record RetractAll(String via, List<FeedbackEvent> events) implements Op {
        public RetractAll {
            events = List.copyOf(events);
        }
    }

    /** Weight sets recorded together: one journal entry, so a crash keeps all of them or none. */
    record Weights(List<WeightSet> sets) implements Op {
        public Weights {
            sets = List.copyOf(sets);
        }
    }

    /** Prunes lead bodies older than {@code cutoffNanos}, at most {@code limit} leads. */
    record Prune(long cutoffNanos, int limit) implements Op {}

    static void encode(Op op, Bytes b) {
        b.u8(Codec.VERSION);
        switch (op) {
            case Write w -> {
                b.u8(1);
                WriteBatch batch = w.batch();
                b.varint(batch.leads().size());
                for (Lead l : batch.leads()) {
                    Codec.writeLead(b, l);
                }
                b.varint(batch.posts().size());
                for (OutboxEntry e : batch.posts()) {
                    Codec.writePost(b, e);
                }
                b.varint(batch.events().size());
                for (FeedbackEvent e : batch.events()) {
                    Codec.writeEvent(b, e);
                }
                b.varint(batch.links().size());
                for (DuplicateLink d : batch.links()) {
                    Codec.writeLink(b, d);
                }
            }
            case Delivered d -> {
                int type = d.messageRef() != null ? 10 : d.partials().isEmpty() ? 2 : 8;
                b.u8(type).str(d.outputId()).varint(d.deliveries().size());
                for (Delivery x : d.deliveries()) {
                    b.str(x.postId()).str(x.messageRef());
                }
                if (type != 2) {
                    b.varint(d.partials().size());
                    for (Partial x : d.partials()) {
                        b.str(x.postId()).str(x.mark());
                    }
                }
                if (type == 10) {
                    b.str(d.messageRef());
                }
            }
            case Events e -> {
                b.u8(3).varint(e.events().size());
                for (FeedbackEvent x : e.events()) {
                    Codec.writeEvent(b, x);
                }
            }
            case Once o -> {
                b.u8(4);
                Codec.writeEvent(b, o.event());
            }
            case Engage g -> {
                b.u8(9).u8(g.retract() ? 1 : 0).nstr(g.via());
                Codec.writeEvent(b, g.event());
            }
            case RetractAll a -> {
                b.u8(11).str(a.via()).varint(a.events().size());
                for (FeedbackEvent x : a.events()) {
                    Codec.writeEvent(b, x);
                }
            }
            case Weights w when w.sets().size() == 1 -> {
                b.u8(5);
                Codec.writeWeights(b, w.sets().getFirst());
            }
            case Weights w -> {
                b.u8(7).varint(w.sets().size());
                for (WeightSet set : w.sets()) {
                    Codec.writeWeights(b, set);
                }
            }
            case Prune p -> b.u8(6).zigzag(p.cutoffNanos()).varint(p.limit());
        }
    }

    static Op decode(byte[] bytes) {
        Bytes.Reader r = Codec.reader(bytes);
        int type = r.u8();
        return switch (type) {
            case 1 -> {
                int n = r.varint();
                List<Lead> leads = new ArrayList<>(n);
                for (int i = 0; i < n; i++) leads.add(Codec.readLead(r));
                n = r.varint();
                List<OutboxEntry> posts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) posts.add(Codec.readPost(r));
                n = r.varint();
                List<FeedbackEvent> events = new ArrayList<>(n);
                for (int i = 0; i < n; i++) events.add(Codec.readEvent(r));
                n = r.varint();
                List<DuplicateLink> links = new ArrayList<>(n);
                for (int i = 0; i < n; i++) links.add(Codec.readLink(r));
                yield new Write(new WriteBatch(leads, posts, events, links));
            }
            case 2, 8, 10 -> {
                String output = r.str();
                int n = r.varint();
                List<Delivery> ds = new ArrayList<>(n);
                for (int i = 0; i < n; i++) ds.add(new Delivery(r.str(), r.str()));
                List<Partial> ps = new ArrayList<>();
                for (int i = 0, m = type != 2 ? r.varint() : 0; i < m; i++) ps.add(new Partial(r.str(), r.str()));
                yield new Delivered(output, type == 10 ? r.str() : null, ds, ps);
            }
            case 3 -> {
                int n = r.varint();
                List<FeedbackEvent> events = new ArrayList<>(n);
                for (int i = 0; i < n; i++) events.add(Codec.readEvent(r));
                yield new Events(events);
            }
            case 4 -> new Once(Codec.readEvent(r));
            case 9 -> {
                boolean retract = r.u8() != 0;
                String via = r.nstr();
                yield new Engage(Codec.readEvent(r), via, retract);
            }
            case 11 -> {
                String via = r.str();
                int n = r.varint();
                List<FeedbackEvent> events = new ArrayList<>(n);
                for (int i = 0; i < n; i++) events.add(Codec.readEvent(r));
                yield new RetractAll(via, events);
            }
            case 5 -> new Weights(List.of(Codec.readWeights(r)));
            case 6 -> new Prune(r.zigzag(), r.varint());
            case 7 -> {
                int n = r.varint();
                List<WeightSet> sets = new ArrayList<>(n);
                for (int i = 0; i < n; i++) sets.add(Codec.readWeights(r));
                yield new Weights(sets);
            }
            default -> throw new StoreException("unknown change type " + type + " in the store journal (written by a newer Flywheel?)");
        };
    }
}
