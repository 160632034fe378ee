package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.B16;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Spreads the 32-bit {@code qh} word of Q5_0/Q5_1 blocks (bit j = fifth bit of element j) over byte lanes,
 * as the value 16 or 0 per element.
 */
final class FifthBits {

    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Lane j takes byte j / 8 of qh (elements 0..15). */
    private static final VectorShuffle<Byte> LOW_BYTES = VectorShuffle.fromOp(B16, j -> j >> 3);
    /** Lane j takes byte 2 + j / 8 of qh (elements 16..31). */
    private static final VectorShuffle<Byte> HIGH_BYTES = VectorShuffle.fromOp(B16, j -> 2 + (j >> 3));
    /** Lane j shifts its byte right by j % 8. */
    private static final ByteVector BIT_SHIFTS = ByteVector.fromArray(B16,
            new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7}, 0);

    private FifthBits() {}

    /**
     * 16 or 0 per lane j: bit {@code 16 * half + j} of qh (whose four bytes are lanes 0..3 of {@code qh}), i.e.
     * the fifth bits of elements 0..15 ({@code half} 0) or 16..31 ({@code half} 1).
     */
    static ByteVector spread(ByteVector qh, int half) {
        return qh.rearrange(half == 0 ? LOW_BYTES : HIGH_BYTES).lanewise(VectorOperators.LSHR, BIT_SHIFTS)
                .and((byte) 1).lanewise(VectorOperators.LSHL, 4);
    }
}
