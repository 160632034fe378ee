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
}
