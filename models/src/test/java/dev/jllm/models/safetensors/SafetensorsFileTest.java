package dev.jllm.models.safetensors;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Round trips, the real stories260K checkpoint, and truncated or hostile files (a clear error, never an OOM). */
class SafetensorsFileTest {

    @TempDir
    Path dir;

    @Test
    void writtenTensorsReadBackAsSlicesOfTheMapping() throws Exception {
        Path f = dir.resolve("m.safetensors");
        float[] values = {1f, -2f, 3.5f, 0f, 7f, 8f};
        new SafetensorsWriter().metadata("format", "pt")
                .add("a", new long[]{2, 3}, values)
                .add("b", SafetensorsDType.BF16, new long[]{3}, new byte[]{0, 0x3f, 0, 0x40, (byte) 0x80, (byte) 0xbf})
                .write(f);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertThat(s.dataOffset() % 8).isZero();
            assertThat(s.metadata()).containsEntry("format", "pt");
            assertThat(s.tensors().keySet()).containsExactly("a", "b");
            SafetensorsTensorInfo a = s.tensor("a").orElseThrow();
            assertThat(a.dtype()).isEqualTo(SafetensorsDType.F32);
            assertThat(a.shape().toArray()).containsExactly(2, 3);
            float[] back = s.data(a).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
            assertThat(back).containsExactly(values);
            SafetensorsTensorInfo b = s.tensor("b").orElseThrow();
            assertThat(b.byteSize()).isEqualTo(6);
            assertThat(s.data(b).get(ValueLayout.JAVA_BYTE, 1)).isEqualTo((byte) 0x3f);
        }
    }

    @Test
    void readsTheStoriesCheckpoint() throws Exception {
        try (SafetensorsFile s = SafetensorsFile.open(TestData.require("stories260K/hf/model.safetensors"))) {
            assertThat(s.tensors()).hasSize(48);
            SafetensorsTensorInfo emb = s.tensor("model.embed_tokens.weight").orElseThrow();
            assertThat(emb.shape().toArray()).containsExactly(512, 64);
            assertThat(emb.dtype()).isEqualTo(SafetensorsDType.F32);
            assertThat(s.data(emb).byteSize()).isEqualTo(512 * 64 * 4);
        }
    }

    @Test
    void truncationAnywhereIsAClearError() throws Exception {
        byte[] whole = Files.readAllBytes(TestData.require("stories260K/hf/model.safetensors"));
        Path f = dir.resolve("t.safetensors");
        Random rnd = new Random(3);
        int checked = 0;
        for (int len = 0; len < whole.length; len += len < 9000 ? 1 + rnd.nextInt(17) : 1 + rnd.nextInt(30_000)) {
            Files.write(f, Arrays.copyOf(whole, len));
            int cut = len;
            assertThatThrownBy(() -> SafetensorsFile.open(f).close()).as("truncated at %d", cut)
                    .isInstanceOf(ModelFormatException.class).hasMessageContaining(f.toString());
            checked++;
        }
        assertThat(checked).isGreaterThan(500);
    }

    @Test
    void hostileHeadersAreClearErrors() throws Exception {
        expectError(withLength(Long.MAX_VALUE, "{}"), "does not fit");
        expectError(withLength(-1, "{}"), "does not fit");
        expectError(withLength(1L << 40, "{}"), "does not fit");
        expectError(header("[1,2]"), "not a JSON object");
        expectError(header("{\"a\": "), "not valid JSON");
        expectError(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 80000000000]}}"), "outside");
        expectError(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}"), "needs 12");
        expectError(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [4611686018427387904, 4611686018427387904], \"data_offsets\": [0, 8]}}"),
                "absurd");
        expectError(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [4611686018427387904], \"data_offsets\": [0, 8]}}"),
                "absurd");
        expectError(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [-2], \"data_offsets\": [0, 8]}}"), "negative");
        expectError(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [2.5], \"data_offsets\": [0, 8]}}"), "not an integer");
        expectError(header("{\"a\": {\"dtype\": \"F33\", \"shape\": [2], \"data_offsets\": [0, 8]}}"), "unknown safetensors dtype 'F33'");
        expectError(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8, 0]}}"), "outside");
        expectError(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0]}}"), "data_offsets");
        expectError(header("{\"a\": {\"shape\": [2], \"data_offsets\": [0, 8]}}"), "dtype");
        expectError(header("{\"a\": 5}"), "JSON object");
        expectError(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                + " \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}"), "overlap");
        expectError(header("{\"__metadata__\": {\"k\": 1}}"), "__metadata__");
        expectError(header("[".repeat(100_000)), "not a JSON object");
        expectError(header("{\"a\":" + "[".repeat(100_000)), "not valid JSON");
        byte[] bad = withLength(4, "{\u00ff}");
        bad[9] = (byte) 0xff;
        expectError(bad, "UTF-8");
    }

    @Test
    void randomGarbageNeverEscapesAsAnythingButAFormatError() throws Exception {
        byte[] whole = Files.readAllBytes(TestData.require("stories260K/hf/model.safetensors"));
        long headerLength = ByteBuffer.wrap(whole, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Random rnd = new Random(11);
        Path f = dir.resolve("flip.safetensors");
        for (int i = 0; i < 300; i++) {
            byte[] copy = whole.clone();
            int at = rnd.nextInt((int) headerLength + 8);
            copy[at] = (byte) rnd.nextInt(256);
            Files.write(f, copy);
            try {
                SafetensorsFile.open(f).close();
            } catch (ModelFormatException e) {
                assertThat(e.getMessage()).contains(f.toString());
            }
        }
    }

    private void expectError(byte[] content, String message) throws Exception {
        Path f = dir.resolve("h.safetensors");
        Files.write(f, content);
        assertThatThrownBy(() -> SafetensorsFile.open(f).close()).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining(message);
    }

    /** A header with its true length and 16 data bytes after it. */
    private static byte[] header(String json) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + 16).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
    }

    private static byte[] withLength(long length, String json) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(length).put(h).array();
    }
}
