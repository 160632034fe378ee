package dev.jllm.models.gguf;

import dev.jllm.models.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class GgufWriterTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsEveryValueTypeAndTensorLayout() throws Exception {
        Random rnd = new Random(42);
        float[] f = new float[3 * 5];
        for (int i = 0; i < f.length; i++) {
            f[i] = rnd.nextFloat();
        }
        byte[] q8 = new byte[GgmlType.Q8_0.typeSize() * 3];
        rnd.nextBytes(q8);
        Path file = dir.resolve("all.gguf");
        new GgufWriter()
                .put("u8", GgufValueType.UINT8, 200)
                .put("i8", GgufValueType.INT8, -5)
                .put("u16", GgufValueType.UINT16, 65000)
                .put("i16", GgufValueType.INT16, -300)
                .putUInt32("u32", 4_000_000_000L)
                .putInt32("i32", -7)
                .putFloat32("f32", 1.5f)
                .putBool("bool", true)
                .putString("str", "héllo ▁ world")
                .put("u64", GgufValueType.UINT64, Long.MAX_VALUE)
                .put("i64", GgufValueType.INT64, -1L)
                .put("f64", GgufValueType.FLOAT64, Math.PI)
                .putStrings("strs", new String[] {"a", "", "<0x0A>"})
                .putFloats("floats", new float[] {1, -2, 3.25f})
                .putInts("ints", new int[] {1, -2, 3})
                .putArray("u8s", GgufValueType.UINT8, new byte[] {(byte) 255, 0})
                .putArray("bools", GgufValueType.BOOL, new boolean[] {true, false})
                .putArray("nested", GgufValueType.ARRAY, new Object[] {new int[] {1, 2}, new int[] {3}})
                .addTensor("f", new long[] {5, 3}, f)
                .addTensor("q", GgmlType.Q8_0, new long[] {32, 3}, MemorySegment.ofArray(q8))
                .write(file);
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.metadata().get("u8")).isEqualTo(200);
            assertThat(g.metadata().get("i8")).isEqualTo(-5);
            assertThat(g.metadata().get("u16")).isEqualTo(65000);
            assertThat(g.metadata().get("i16")).isEqualTo(-300);
            assertThat(g.metadata().get("u32")).isEqualTo(4_000_000_000L);
            assertThat(g.integer("i32", 0)).isEqualTo(-7);
            assertThat(g.float32("f32", 0)).isEqualTo(1.5f);
            assertThat(g.bool("bool", false)).isTrue();
            assertThat(g.string("str")).contains("héllo ▁ world");
            assertThat(g.longValue("u64", 0)).isEqualTo(Long.MAX_VALUE);
            assertThat(g.longValue("i64", 0)).isEqualTo(-1L);
            assertThat(g.metadata().get("f64")).isEqualTo(Math.PI);
            assertThat(g.strings("strs")).containsExactly("a", "", "<0x0A>");
            assertThat(g.floats("floats")).containsExactly(1, -2, 3.25f);
            assertThat(g.ints("ints")).containsExactly(1, -2, 3);
            assertThat(g.ints("u8s")).containsExactly(255, 0);
            assertThat((boolean[]) g.metadata().get("bools")).containsExactly(true, false);
            Object[] nested = (Object[]) g.metadata().get("nested");
            assertThat((int[]) nested[0]).containsExactly(1, 2);
            assertThat((int[]) nested[1]).containsExactly(3);
            assertThat(g.valueType("u32")).isEqualTo(GgufValueType.UINT32);
            assertThat(g.arrayElementType("u8s")).isEqualTo(GgufValueType.UINT8);

            GgufTensorInfo ft = g.requireTensor("f");
            assertThat(ft.shape().toArray()).containsExactly(5, 3);
            float[] back = g.data(ft).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
            assertThat(back).containsExactly(f);
            GgufTensorInfo qt = g.requireTensor("q");
            assertThat(qt.offset() % 32).isZero();
            assertThat(g.data(qt).toArray(ValueLayout.JAVA_BYTE)).containsExactly(q8);
        }
        assertThat(Files.list(dir)).containsExactly(file); // no temp file left behind
    }

    @Test
    void rewritingARealFileReproducesItByteForByte() throws Exception {
        Path src = TestData.require("stories260K/stories260K.gguf");
        Path copy = dir.resolve("copy.gguf");
        try (GgufFile g = GgufFile.open(src)) {
            GgufWriter w = new GgufWriter().copyMetadata(g);
            for (GgufTensorInfo t : g.tensors()) {
                w.addTensor(t.name(), t.type(), t.shape().toArray(), g.data(t));
            }
            w.write(copy);
        }
        assertThat(Files.mismatch(src, copy)).isEqualTo(-1L);
    }

    @Test
    void mapsFilesLargerThanTwoGigabytes() throws Exception {
        // A sparse file: the writer positions each tensor, and this source writes only the last element.
        long n = 600_000_000L; // 2.4 GB of F32
        Path file = dir.resolve("big.gguf");
        new GgufWriter()
                .putString("general.architecture", "test")
                .addTensor("small", new long[] {4}, new float[] {1, 2, 3, 4})
                .addTensor("big", GgmlType.F32, new long[] {n}, (out, pos, size) -> {
                    ByteBuffer last = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, 42.5f);
                    GgufWriter.writeFully(out, last, pos + size - 4);
                })
                .write(file);
        try (GgufFile g = GgufFile.open(file)) {
            GgufTensorInfo big = g.requireTensor("big");
            assertThat(big.byteSize()).isEqualTo(4 * n);
            MemorySegment s = g.data(big);
            assertThat(s.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4 * (n - 1))).isEqualTo(42.5f);
            assertThat(s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0)).isEqualTo(0f);
        }
    }
}
