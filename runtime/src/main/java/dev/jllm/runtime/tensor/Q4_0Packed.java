package dev.jllm.runtime.tensor;

import java.lang.foreign.ValueLayout;

/**
 * Q4_0 rows repacked for the integer kernel ({@link PackedRows}). Per group and 256 columns (eight blocks),
 * {@code 144 G} bytes, the file's own size: {@code d[8][G]} as the file's F16 bits, then per block {@code j} and
 * quad {@code k} one plane of {@code 2 G} bytes with column {@code 32 j + 4 k + e} in the low nibble of byte
 * {@code 2 r + e} and column {@code 32 j + 4 k + 2 + e} in its high nibble, as Q4_K's. The nibbles stay unsigned
 * (0..15; 16 products of at most 15 * 127 per 16-bit lane and block: no overflow) and the offset 8 comes off with
 * the block's activation sum ({@link F16BlockPacked}; the oracle is {@link Q4_0Tensor#integerDotScalar}).
 */
final class Q4_0Packed extends F16BlockPacked {

    private static final int SUPER = SCALES + 128 * G;

    Q4_0Packed(Q4_0Tensor t) {
        super(t, SUPER, false, 8, (src, r, sb, mag) -> {
            for (int j = 0; j < 8; j++) {
                long block = (long) j * Q4_0Tensor.BLOCK_BYTES;
                // the F16 bits as they are (little-endian both)
                sb[2 * (j * G + r)] = src.get(ValueLayout.JAVA_BYTE, block);
                sb[2 * (j * G + r) + 1] = src.get(ValueLayout.JAVA_BYTE, block + 1);
                for (int i = 0; i < 32; i++) {
                    int c = 32 * j + i;
                    sb[SCALES + (c / 4) * 2 * G + 2 * r + (c & 1)] |= (byte) (Q4_0Tensor.nibble(src, block, i) << (4 * ((c >> 1) & 1)));
                }
            }
        });
    }
}
