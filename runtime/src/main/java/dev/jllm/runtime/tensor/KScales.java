package dev.jllm.runtime.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The 12-byte scale field of Q4_K and Q5_K blocks: eight 6-bit scales and eight 6-bit minimums. Sub-blocks
 * 0..3 keep theirs in the low 6 bits of bytes {@code j} (scale) and {@code j + 4} (min); sub-blocks 4..7 keep
 * their low 4 bits in byte {@code j + 4} (scale low nibble, min high nibble) and their top 2 bits in the top
 * bits of bytes {@code j - 4} (scale) and {@code j} (min).
 */
final class KScales {

    private KScales() {}

    /** Scale of sub-block {@code j} (0..7), given the 12 bytes as unsigned values. */
    static int scale(int[] s, int j) {
        return j < 4 ? s[j] & 63 : (s[j + 4] & 0xF) | ((s[j - 4] >>> 6) << 4);
    }

    /** Minimum of sub-block {@code j} (0..7). */
    static int min(int[] s, int j) {
        return j < 4 ? s[j + 4] & 63 : (s[j + 4] >>> 4) | ((s[j] >>> 6) << 4);
    }

    /**
     * The eight 6-bit scales of the 12 bytes at {@code at}, as the bytes of a long (scale {@code j} in byte
     * {@code j}), rearranged by 32-bit word operations rather than byte by byte.
     */
    static long scales(MemorySegment data, long at) {
        long w01 = data.get(DecodingTensor.LONG_LE, at);
        int w2 = data.get(DecodingTensor.INT_LE, at + 8);
        int w0 = (int) w01;
        int low = w0 & 0x3F3F3F3F;
        int high = (w2 & 0x0F0F0F0F) | (((w0 >>> 6) & 0x03030303) << 4);
        return (low & 0xFFFFFFFFL) | ((long) high << 32);
    }

    /** The eight 6-bit minimums of the 12 bytes at {@code at}, as the bytes of a long, like {@link #scales}. */
    static long mins(MemorySegment data, long at) {
        long w01 = data.get(DecodingTensor.LONG_LE, at);
        int w2 = data.get(DecodingTensor.INT_LE, at + 8);
        int w1 = (int) (w01 >>> 32);
        int low = w1 & 0x3F3F3F3F;
        int high = ((w2 >>> 4) & 0x0F0F0F0F) | (((w1 >>> 6) & 0x03030303) << 4);
        return (low & 0xFFFFFFFFL) | ((long) high << 32);
    }

    /**
     * The float factors of the Q4_K / Q5_K super-block at {@code at}: {@code dm[2 j] = d * scale_j} and
     * {@code dm[2 j + 1] = dmin * min_j} for its eight sub-blocks ({@code d}, {@code dmin} the F16 fields).
     */
    static void factors(MemorySegment data, long at, float[] dm) {
        float d = Float.float16ToFloat(data.get(DecodingTensor.SHORT_LE, at));
        float dmin = Float.float16ToFloat(data.get(DecodingTensor.SHORT_LE, at + 2));
        // the scales and minimums as the bytes of two longs: no per-block array (this runs once per super-block
        // in the float GEMM's decoding)
        long scales = scales(data, at + 4);
        long mins = mins(data, at + 4);
        for (int j = 0; j < 8; j++) {
            dm[2 * j] = factor(d, scales, j);
            dm[2 * j + 1] = factor(dmin, mins, j);
        }
    }

    /** {@code d} times byte {@code j} of {@code bytes} ({@link #scales} or {@link #mins}): one of {@link #factors}. */
    static float factor(float d, long bytes, int j) {
        return d * (int) ((bytes >>> (8 * j)) & 0xFF);
    }

    /** Packs eight scales and minimums (each 0..63) into the 12-byte layout. */
    static void pack(int[] scales, int[] mins, byte[] out, int off) {
        for (int i = 0; i < 12; i++) {
            out[off + i] = 0;
        }
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                out[off + j] |= (byte) scales[j];
                out[off + j + 4] |= (byte) mins[j];
            } else {
                out[off + j + 4] = (byte) ((scales[j] & 0xF) | ((mins[j] & 0xF) << 4));
                out[off + j - 4] |= (byte) ((scales[j] >>> 4) << 6);
                out[off + j] |= (byte) ((mins[j] >>> 4) << 6);
            }
        }
    }

    /**
     * Q4_K ({@code levels} 15) and Q5_K ({@code levels} 31): per 32-element sub-block the range
     * {@code [min(0, lo), hi]} split into {@code levels} steps; the eight steps and minimums are then stored
     * as 6-bit multiples of the super-block's {@code d} and {@code dmin}.
     */
    static void quantize(float[] x, int s, byte[] out, int at, int levels, boolean fifthBit) {
        float[] steps = new float[8];
        float[] mins = new float[8];
        float[] max = Quantizer.subBlockRanges(x, s, 8, 32, levels, steps, mins);
        float maxStep = max[0];
        float maxMin = max[1];
        float d = Float.float16ToFloat(Float.floatToFloat16(maxStep / 63f));
        float dmin = Float.float16ToFloat(Float.floatToFloat16(maxMin / 63f));
        int[] sc = new int[8];
        int[] m = new int[8];
        for (int j = 0; j < 8; j++) {
            sc[j] = d > 0 ? Math.min(63, Math.round(steps[j] / d)) : 0;
            m[j] = dmin > 0 ? Math.min(63, Math.round(mins[j] / dmin)) : 0;
        }
        Quantizer.putShort(out, at, Float.floatToFloat16(d));
        Quantizer.putShort(out, at + 2, Float.floatToFloat16(dmin));
        byte[] scales = new byte[12];
        pack(sc, m, scales, 0);
        System.arraycopy(scales, 0, out, at + 4, 12);
        int[] q = new int[256];
        for (int j = 0; j < 8; j++) {
            float step = d * sc[j];
            float shift = dmin * m[j];
            for (int l = 0; l < 32; l++) {
                int v = step > 0 ? Math.round((x[s + 32 * j + l] + shift) / step) : 0;
                q[32 * j + l] = Math.max(0, Math.min(levels, v));
            }
        }
        int qs = at + (fifthBit ? 48 : 16);
        if (fifthBit) {
            for (int l = 0; l < 32; l++) {
                out[at + 16 + l] = 0;
            }
        }
        for (int g = 0; g < 4; g++) {
            for (int l = 0; l < 32; l++) {
                int lo = q[64 * g + l];
                int hi = q[64 * g + 32 + l];
                out[qs + 32 * g + l] = (byte) ((lo & 0xF) | (hi & 0xF) << 4);
                if (fifthBit) {
                    out[at + 16 + l] |= (byte) (((lo >>> 4) & 1) << (2 * g) | ((hi >>> 4) & 1) << (2 * g + 1));
                }
            }
        }
    }
}
