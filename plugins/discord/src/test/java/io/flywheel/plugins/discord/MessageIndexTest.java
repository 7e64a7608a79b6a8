package io.flywheel.plugins.discord;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageIndexTest {
    @TempDir
    Path dir;

    @Test
    void aMessageRecordedAgainReadsBackAsItWasLastRecorded() throws Exception {
        // A batch sent again after a crash gets the same message back from Discord (enforce_nonce), and the index records it again.
        MessageIndex.Entry lead = new MessageIndex.Entry("p1", "https://example.org/1", "Backend engineer");
        try (MessageIndex index = new MessageIndex(dir.resolve("messages.tsv"), 100)) {
            index.put("m1", List.of(lead));
            index.put("m2", List.of(new MessageIndex.Entry("p2", "https://example.org/2", "Go developer")));
            index.put("m1", List.of(lead));
            assertThat(index.get("m1")).containsExactly(lead);
        }
        try (MessageIndex reopened = new MessageIndex(dir.resolve("messages.tsv"), 100)) {
            // Read back as two entries, a one-lead message would look like a digest, and reactions on it would not count.
            assertThat(reopened.get("m1")).containsExactly(lead);
            assertThat(reopened.get("m2")).hasSize(1);
        }
    }

    @Test
    void aMessageRecordedTwiceInARowReadsBackWithEachPostOnce() throws Exception {
        // The last message before a crash is sent again first after it, and Discord returns the same message (enforce_nonce):
        // its two records are adjacent in the file. Read back as one run, a one-lead message showed its lead twice, so its
        // reactions were ignored as ambiguous and a click offered the same lead twice in the picker.
        MessageIndex.Entry lead = new MessageIndex.Entry("p1", "https://example.org/1", "Backend engineer");
        MessageIndex.Entry other = new MessageIndex.Entry("p2", "https://example.org/2", "Go developer");
        try (MessageIndex index = new MessageIndex(dir.resolve("messages.tsv"), 100)) {
            index.put("m0", List.of(other));
            index.put("m1", List.of(lead));
            index.put("m1", List.of(lead));
            index.put("m2", List.of(lead, other));
            index.put("m2", List.of(lead, other));
        }
        try (MessageIndex reopened = new MessageIndex(dir.resolve("messages.tsv"), 100)) {
            assertThat(reopened.get("m0")).containsExactly(other);
            assertThat(reopened.get("m1")).containsExactly(lead);
            assertThat(reopened.get("m2")).containsExactly(lead, other);
        }
    }
}
