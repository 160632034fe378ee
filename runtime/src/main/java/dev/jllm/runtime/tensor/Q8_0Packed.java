package dev.jllm.runtime.tensor;

import java.lang.foreign.ValueLayout;

/**
 * Q8_0 rows repacked for the integer kernel ({@link PackedRows}). Each weight {@code q} (a signed byte) is stored
 * as {@code u = q + 128} split into two nibbles, {@code u = 16 hi + lo}, so the 16-bit kernel of Q4_0 and Q4_K runs
 * twice over nibble planes (16 products of at most 15 * 127 per lane: no overflow, where 8-bit weights times 8-bit
 * activations would overflow 16-bit lanes after two products). Per group and 256 columns, {@code 272 G} bytes, the
 * file's size: {@code d[8][G]} as the file's F16 bits, the low-nibble planes as Q4_0's ({@code 128 G} bytes), then
 * the high-nibble planes in the same layout. The offset 128 comes off with the block's activation sum
 * ({@link F16BlockPacked}; the oracle is {@link Q8_0Tensor#integerDotScalar}).
 */
final class Q8_0Packed extends F16BlockPacked {

    private static final int SUPER = SCALES + 256 * G;

    Q8_0Packed(Q8_0Tensor t) {
        super(t, SUPER, true, 128, (src, r, sb, mag) -> {
            for (int j = 0; j < 8; j++) {
                long block = (long) j * Q8_0Tensor.BLOCK_BYTES;
                // the F16 bits as they are (little-endian both)
                sb[2 * (j * G + r)] = src.get(ValueLayout.JAVA_BYTE, block);
                sb[2 * (j * G + r) + 1] = src.get(ValueLayout.JAVA_BYTE, block + 1);
                for (int i = 0; i < 32; i++) {
                    int c = 32 * j + i;
                    int u = src.get(ValueLayout.JAVA_BYTE, block + 2 + i) + 128;
                    int at = SCALES + (c / 4) * 2 * G + 2 * r + (c & 1);
                    int shift = 4 * ((c >> 1) & 1);
                    sb[at] |= (byte) ((u & 0xF) << shift);
                    sb[at + 128 * G] |= (byte) ((u >>> 4) << shift);
                }
            }
        });
    }
}
