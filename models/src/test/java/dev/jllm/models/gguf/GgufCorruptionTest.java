package dev.jllm.models.gguf;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
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
import static org.assertj.core.api.Assertions.fail;

/** Truncated, bit-flipped and hand-crafted hostile files must fail fast with a clear ModelFormatException. */
class GgufCorruptionTest {

    @TempDir
    Path dir;

    @Test
    void truncationAnywhereIsAClearError() throws Exception {
        Path src = TestData.require("stories260K/stories260K.gguf");
        byte[] whole = Files.readAllBytes(src);
        long dataOffset = dataOffset(src);
        Path f = dir.resolve("t.gguf");
        int checked = 0;
        Random rnd = new Random(1);
        for (int len = 0; len < whole.length; len += len < 256 ? 1 : len < dataOffset ? 1 + rnd.nextInt(23) : 1 + rnd.nextInt(40_000)) {
            Files.write(f, Arrays.copyOf(whole, len));
            int cut = len;
            assertThatThrownBy(() -> GgufFile.open(f).close())
                    .as("truncated at %d", cut)
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(f.toString());
            checked++;
        }
        assertThat(checked).isGreaterThan(500);
    }

    @Test
    void flippedBytesNeverCrashOrEscapeTheFile() throws Exception {
        Path src = TestData.require("stories260K/stories260K.gguf");
        byte[] whole = Files.readAllBytes(src);
        long dataOffset = dataOffset(src);
        Random rnd = new Random(7);
        Path f = dir.resolve("flip.gguf");
        int failed = 0;
        int opened = 0;
        for (int iter = 0; iter < 1500; iter++) {
            byte[] b = whole.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                // Mostly the header (the structure); sometimes anywhere.
                int at = rnd.nextInt(4) == 0 ? rnd.nextInt(b.length) : rnd.nextInt((int) dataOffset);
                b[at] ^= (byte) (1 << rnd.nextInt(8));
            }
            Files.write(f, b);
            try (GgufFile g = GgufFile.open(f)) {
                // Whatever opened must be self-consistent: every tensor readable inside the mapping.
                for (GgufTensorInfo t : g.tensors()) {
                    var s = g.data(t);
                    if (s.byteSize() > 0) {
                        s.get(ValueLayout.JAVA_BYTE, s.byteSize() - 1);
                    }
                }
                opened++;
            } catch (ModelFormatException e) {
                assertThat(e.getMessage()).isNotBlank();
                failed++;
            } catch (Throwable t) {
                fail("iteration " + iter + ": a flipped file escaped as " + t, t);
            }
        }
        assertThat(failed).isPositive();
        assertThat(opened + failed).isEqualTo(1500);
    }

    @Test
    void hostileHeadersFailFastWithTheProblemNamed() throws Exception {
        long huge = Long.MAX_VALUE / 2;
        expect(header(0x12345678, 3, 0, 0), "bad magic");
        expect(header(GgufFile.MAGIC, 1, 0, 0), "version 1 is not supported");
        expect(header(GgufFile.MAGIC, 7, 0, 0), "unsupported GGUF version 7");
        expect(header(GgufFile.MAGIC, Integer.reverseBytes(3), 0, 0), "big-endian");
        expect(header(GgufFile.MAGIC, 3, huge, 0), "tensor count");
        expect(header(GgufFile.MAGIC, 3, 0, huge), "metadata key-value count");
        // A key whose length claims far more bytes than exist.
        expect(concat(header(GgufFile.MAGIC, 3, 0, 1), u64(huge), new byte[64]), "absurd length");
        expect(concat(header(GgufFile.MAGIC, 3, 0, 1), u64(1000), "k".getBytes(StandardCharsets.UTF_8), new byte[64]), "file ends inside");
        // An array claiming billions of elements.
        expect(concat(header(GgufFile.MAGIC, 3, 0, 1), str("a"), u32(9), u32(5), u64(2_000_000_000L)), "cannot fit");
        // Unknown value type.
        expect(concat(header(GgufFile.MAGIC, 3, 0, 1), str("a"), u32(99), new byte[64]), "unknown GGUF metadata value type 99");
        // Duplicate keys.
        expect(concat(header(GgufFile.MAGIC, 3, 0, 2), str("a"), u32(4), u32(1), str("a"), u32(4), u32(2)), "duplicate metadata key 'a'");
        // Alignment that is not a power of two.
        expect(concat(header(GgufFile.MAGIC, 3, 0, 1), str("general.alignment"), u32(4), u32(3), new byte[64]), "power of two");
        // Arrays nested without end.
        ByteArrayOutputStream deep = new ByteArrayOutputStream();
        deep.write(concat(header(GgufFile.MAGIC, 3, 0, 1), str("d"), u32(9)));
        for (int i = 0; i < 20; i++) {
            deep.write(concat(u32(9), u64(1)));
        }
        expect(deep.toByteArray(), "nests arrays");
        // Tensors: too many dimensions, unknown type, bad offsets, overflowing shapes.
        expect(concat(header(GgufFile.MAGIC, 3, 1, 0), str("t"), u32(5), new byte[64]), "5 dimensions");
        expect(tensor(new long[] {32}, 77, 0, 32), "unknown type id 77");
        expect(tensor(new long[] {32}, 0, 4096, 128), "outside the file");
        expect(tensor(new long[] {32}, 0, 3, 200), "not a multiple of the alignment");
        expect(tensor(new long[] {1L << 40, 1L << 40}, 0, 0, 64), "absurd");
        expect(tensor(new long[] {33}, 2, 0, 64), "not a multiple of its block size 32");
        expect(tensor(new long[] {-1}, 0, 0, 64), "negative dimension");
        expect(concat(header(GgufFile.MAGIC, 3, 2, 0), str("t"), u32(1), u64(1), u32(0), u64(0),
                str("t"), u32(1), u64(1), u32(0), u64(32), new byte[64]), "duplicate tensor name 't'");
    }

    private void expect(byte[] bytes, String message) throws Exception {
        Path f = dir.resolve("hostile.gguf");
        Files.write(f, bytes);
        assertThatThrownBy(() -> GgufFile.open(f).close())
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(message);
    }

    /** One tensor of the given shape/type/offset, followed by {@code dataBytes} bytes of data. */
    private static byte[] tensor(long[] shape, int type, long offset, int dataBytes) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(header(GgufFile.MAGIC, 3, 1, 0));
        b.writeBytes(str("t"));
        b.writeBytes(u32(shape.length));
        for (long d : shape) {
            b.writeBytes(u64(d));
        }
        b.writeBytes(u32(type));
        b.writeBytes(u64(offset));
        int pad = (int) (GgufFile.alignUp(b.size(), 32) - b.size());
        b.writeBytes(new byte[pad + dataBytes]);
        return b.toByteArray();
    }

    private static byte[] header(int magic, int version, long tensors, long kvs) {
        return concat(u32(magic), u32(version), u64(tensors), u64(kvs));
    }

    private static byte[] str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return concat(u64(b.length), b);
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static long dataOffset(Path gguf) throws java.io.IOException {
        try (GgufFile g = GgufFile.open(gguf)) {
            return g.dataOffset();
        }
    }
}
