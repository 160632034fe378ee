package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.B16;
import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.L;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GGML Q4_K weights. A super-block holds 256 elements in 144 bytes: {@code d} and {@code dmin} as F16, 12
 * bytes of 6-bit scales and minimums ({@link KScales}), then 128 bytes {@code qs}. Elements come in four groups
 * of 64 sharing 32 bytes of {@code qs}: the low nibbles are sub-block {@code 2g}, the high nibbles sub-block
 * {@code 2g + 1}; element value {@code (d * sc) * q - (dmin * m)}.
 */
public final class Q4_KTensor extends IntegerKernelTensor {

    public Q4_KTensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        this(data, rows, cols, vectorized, repacks(true));
    }

    private Q4_KTensor(MemorySegment data, int rows, int cols, boolean vectorized, boolean integer) {
        super(data, rows, cols, vectorized, integer);
    }

    @Override
    boolean blockActivations() {
        return false;
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    public Q4_KTensor withVectorized(boolean vectorized) {
        return new Q4_KTensor(data, rows, cols, vectorized, integer);
    }

    @Override
    public Q4_KTensor withIntegerKernel(boolean on) {
        return new Q4_KTensor(data, rows, cols, vectorized(), on);
    }

    @Override
    Q4_KPacked repack() {
        return new Q4_KPacked(this);
    }

    /** Nibble (0..15) of element {@code c} (0..255) of the super-block at byte {@code at} of {@code data}. */
    static int nibble(MemorySegment data, long at, int c) {
        int b = data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at + 16 + 32 * (c / 64) + c % 32) & 0xFF;
        return (c % 64) < 32 ? b & 0xF : b >>> 4;
    }

    @Override
    float integerDotScalar(int row, Q8KActivations a) {
        long base = row * rowBytes;
        float sum = 0f;
        for (int b = 0; b < cols / 256; b++) {
            long at = base + 144L * b;
            int[] s = scaleBytes(at);
            int sumi = 0;
            int summ = 0;
            for (int j = 0; j < 8; j++) {
                int isum = 0;
                for (int c = 32 * j; c < 32 * j + 32; c++) {
                    isum += nibble(data, at, c) * a.q(256 * b + c);
                }
                sumi += KScales.scale(s, j) * isum;
                summ += KScales.min(s, j) * a.subSum(8 * b + j);
            }
            float ad = a.scale(b);
            sum += (half(at) * ad) * (float) sumi - (half(at + 2) * ad) * (float) summ;
        }
        return sum;
    }

    private int[] scaleBytes(long at) {
        int[] s = new int[12];
        for (int i = 0; i < 12; i++) {
            s[i] = u8(at + 4 + i);
        }
        return s;
    }

    // Both decoders walk the eight sub-blocks of 32 (factors dm[2 s], dm[2 s + 1]): sub-block s is the low (s even)
    // or high nibbles of the 32 qs bytes at 16 + 32 (s / 2).

    @Override
    protected void decodeScalar(long at, float[] out, int off) {
        float[] dm = new float[16];
        KScales.factors(data, at, dm);
        for (int s = 0; s < 8; s++) {
            for (int l = 0; l < 32; l++) {
                out[off + 32 * s + l] = dm[2 * s] * ((u8(at + 16 + 32 * (s >> 1) + l) >>> (4 * (s & 1))) & 0xF) - dm[2 * s + 1];
            }
        }
    }

    @Override
    protected void decodeVector(long at, int count, float[] out, int off) {
        for (int b = 0; b < count; b++, at += 144, off += 256) {
            // the factors of KScales.factors, computed where used (no array per super-block)
            float d = half(at);
            float dmin = half(at + 2);
            long scales = KScales.scales(data, at + 4);
            long mins = KScales.mins(data, at + 4);
            // one store site in the loop keeps C2's graph small enough to inline the vector helpers
            for (int k = 0; k < 16; k++) {
                int s = k >> 1;
                ByteVector q = ByteVector.fromMemorySegment(B16, data, at + 16 + 32 * (s >> 1) + 16 * (k & 1), LE);
                storeFieldMulSub(q, 4 * (s & 1), 0xF, KScales.factor(d, scales, s), KScales.factor(dmin, mins, s), out,
                        off + 16 * k);
            }
        }
    }

    /** The 16 nibble values as floats: the index vector of a sub-block's lookup table. */
    private static final FloatVector NIBBLES = FloatVector.fromArray(F,
            new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 0);

    // Fused vector dot: decodes each 16-element chunk in registers and multiply-adds it at once, in element order:
    // per group of 64, the low nibbles of qs bytes 0..15 and 16..31, then their high nibbles. A value is
    // d1 * q - m1, rounded after the multiply and after the subtraction, exactly like decodeScalar. With 16 lanes
    // the 16 possible values of a sub-block are computed once (a 16-entry table in one register) and each chunk
    // is a table lookup (vpermd), two operations fewer per chunk than converting and scaling every nibble.

    @Override
    float floatDotVector(int row, float[] x, int xOff) {
        long at = row * rowBytes;
        int blocks = cols / 256;
        FloatVector acc = FloatVector.zero(F);
        for (int blk = 0; blk < blocks; blk++, at += 144) {
            int xb = xOff + blk * 256;
            float d = half(at);
            float dmin = half(at + 2);
            long scales = KScales.scales(data, at + 4);
            long mins = KScales.mins(data, at + 4);
            for (int g = 0; g < 4; g++) {
                FloatVector d1 = FloatVector.broadcast(F, d * (int) ((scales >>> (16 * g)) & 0xFF));
                FloatVector m1 = FloatVector.broadcast(F, dmin * (int) ((mins >>> (16 * g)) & 0xFF));
                FloatVector d2 = FloatVector.broadcast(F, d * (int) ((scales >>> (16 * g + 8)) & 0xFF));
                FloatVector m2 = FloatVector.broadcast(F, dmin * (int) ((mins >>> (16 * g + 8)) & 0xFF));
                ByteVector q0 = ByteVector.fromMemorySegment(B16, data, at + 16 + 32 * g, LE);
                ByteVector q1 = ByteVector.fromMemorySegment(B16, data, at + 32 + 32 * g, LE);
                int xg = xb + 64 * g;
                if (L == 16) {
                    IntVector t1 = NIBBLES.mul(d1).sub(m1).reinterpretAsInts();
                    IntVector t2 = NIBBLES.mul(d2).sub(m2).reinterpretAsInts();
                    IntVector v0 = (IntVector) q0.convertShape(VectorOperators.ZERO_EXTEND_B2I, Simd.I, 0);
                    IntVector v1 = (IntVector) q1.convertShape(VectorOperators.ZERO_EXTEND_B2I, Simd.I, 0);
                    acc = v0.and(0xF).selectFrom(t1).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, xg), acc);
                    acc = v1.and(0xF).selectFrom(t1).reinterpretAsFloats()
                            .fma(FloatVector.fromArray(F, x, xg + 16), acc);
                    acc = v0.lanewise(VectorOperators.LSHR, 4).selectFrom(t2).reinterpretAsFloats()
                            .fma(FloatVector.fromArray(F, x, xg + 32), acc);
                    acc = v1.lanewise(VectorOperators.LSHR, 4).selectFrom(t2).reinterpretAsFloats()
                            .fma(FloatVector.fromArray(F, x, xg + 48), acc);
                    continue;
                }
                // narrower vectors: convert and scale each nibble (one call site per helper: C2 inlines each
                // call site on its own, and four copies of the body can push it past its node budget)
                for (int k = 0; k < 4; k++) {
                    ByteVector q = (k & 1) == 0 ? q0 : q1;
                    FloatVector dv = k < 2 ? d1 : d2;
                    FloatVector mv = k < 2 ? m1 : m2;
                    for (int p = 0; p < Simd.PARTS_PER_16; p++) {
                        acc = Simd.fieldToFloat(q, p, 4 * (k >> 1), 0xF).mul(dv).sub(mv)
                                .fma(FloatVector.fromArray(F, x, xg + 16 * k + p * L), acc);
                    }
                }
            }
        }
        acc = acc.add(acc.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD2));
        return acc.add(acc.rearrange(Simd.FOLD1)).lane(0);
    }
}
