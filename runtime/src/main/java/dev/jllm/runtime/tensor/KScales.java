package dev.jllm.runtime.tensor;

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

    /** Byte {@code i} of the 12, held as a little-endian long (bytes 0..7) and int (bytes 8..11). */
    static int byteOf(long lo, int hi, int i) {
        return i < 8 ? (int) (lo >>> (8 * i)) & 0xFF : (hi >>> (8 * (i - 8))) & 0xFF;
    }

    /** {@link #scale} from the 12 bytes held as in {@link #byteOf}. */
    static int scale(long lo, int hi, int j) {
        return j < 4 ? byteOf(lo, hi, j) & 63
                : (byteOf(lo, hi, j + 4) & 0xF) | ((byteOf(lo, hi, j - 4) >>> 6) << 4);
    }

    /** {@link #min} from the 12 bytes held as in {@link #byteOf}. */
    static int min(long lo, int hi, int j) {
        return j < 4 ? byteOf(lo, hi, j + 4) & 63
                : (byteOf(lo, hi, j + 4) >>> 4) | ((byteOf(lo, hi, j) >>> 6) << 4);
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
