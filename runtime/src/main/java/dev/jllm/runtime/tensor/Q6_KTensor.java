package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.B16;
import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.L;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GGML Q6_K weights. A super-block holds 256 elements in 210 bytes: 128 bytes {@code ql} (low 4 bits), 64
 * bytes {@code qh} (high 2 bits), 16 signed 8-bit scales (one per 16 elements), then {@code d} as F16. Each
 * half {@code n} (128 elements) uses 64 bytes of {@code ql} and 32 of {@code qh}: for {@code l < 32},
 * elements {@code l, l+32, l+64, l+96} take the low nibble of {@code ql[l]}, the low nibble of
 * {@code ql[l+32]}, the high nibble of {@code ql[l]}, the high nibble of {@code ql[l+32]}, and bits 0-1, 2-3,
 * 4-5, 6-7 of {@code qh[l]}; the value is {@code (d * scale) * (q - 32)}.
 */
public final class Q6_KTensor extends IntegerKernelTensor {

    public Q6_KTensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        this(data, rows, cols, vectorized, repacks(true));
    }

    private Q6_KTensor(MemorySegment data, int rows, int cols, boolean vectorized, boolean integer) {
        super(data, rows, cols, vectorized, integer);
    }

    @Override
    boolean blockActivations() {
        return false;
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public Q6_KTensor withVectorized(boolean vectorized) {
        return new Q6_KTensor(data, rows, cols, vectorized, integer);
    }

    @Override
    public Q6_KTensor withIntegerKernel(boolean on) {
        return new Q6_KTensor(data, rows, cols, vectorized(), on);
    }

    @Override
    Q6_KPacked repack() {
        return new Q6_KPacked(this);
    }

    /** Signed scale {@code i} (0..15) of the super-block at byte {@code at}. */
    int scale(long at, int i) {
        return data.get(ValueLayout.JAVA_BYTE, at + 192 + i);
    }

    /** The 6-bit value (0..63) of element {@code c} (0..255) of the super-block at byte {@code at} of {@code data}. */
    static int q(MemorySegment data, long at, int c) {
        int n = c / 128;
        int f = (c % 128) / 32;
        int l = c % 32;
        int low = data.get(ValueLayout.JAVA_BYTE, at + 64 * n + 32 * (f & 1) + l) & 0xFF;
        int high = data.get(ValueLayout.JAVA_BYTE, at + 128 + 32 * n + l) & 0xFF;
        return ((f < 2 ? low : low >>> 4) & 0xF) | ((high >>> (2 * f)) & 3) << 4;
    }

    @Override
    float integerDotScalar(int row, Q8KActivations a) {
        long base = row * rowBytes;
        float sum = 0f;
        for (int b = 0; b < cols / 256; b++) {
            long at = base + 210L * b;
            int sumi = 0;
            for (int j = 0; j < 16; j++) {
                int isum = 0;
                for (int c = 16 * j; c < 16 * j + 16; c++) {
                    isum += (q(data, at, c) - 32) * a.q(256 * b + c);
                }
                sumi += scale(at, j) * isum;
            }
            sum += (half(at + 208) * a.scale(b)) * (float) sumi;
        }
        return sum;
    }

    @Override
    protected void decodeScalar(long at, float[] out, int off) {
        float d = half(at + 208);
        for (int n = 0; n < 2; n++) {
            long ql = at + 64 * n;
            long qh = at + 128 + 32 * n;
            int o = off + 128 * n;
            for (int l = 0; l < 32; l++) {
                int is = 8 * n + l / 16;
                int a = u8(ql + l);
                int b = u8(ql + 32 + l);
                int h = u8(qh + l);
                out[o + l] = (d * scale(at, is)) * (((a & 0xF) | (h & 3) << 4) - 32);
                out[o + 32 + l] = (d * scale(at, is + 2)) * (((b & 0xF) | ((h >>> 2) & 3) << 4) - 32);
                out[o + 64 + l] = (d * scale(at, is + 4)) * (((a >>> 4) | ((h >>> 4) & 3) << 4) - 32);
                out[o + 96 + l] = (d * scale(at, is + 6)) * (((b >>> 4) | ((h >>> 6) & 3) << 4) - 32);
            }
        }
    }

    @Override
    protected void decodeVector(long at, int count, float[] out, int off) {
        for (int blk = 0; blk < count; blk++, at += 210, off += 256) {
            float d = half(at + 208);
            // 16 elements per step: half n, sub-row h (l = 16h .. 16h+15), field f (elements l + 32f) taking
            // the low (f = 0, 1) or high (f = 2, 3) nibble of ql[l] (f even) or ql[l + 32] (f odd) and bits
            // 2f, 2f+1 of qh[l]. One store site in the loop keeps C2's graph small enough to inline the helpers.
            for (int k = 0; k < 16; k++) {
                int n = k >> 3;
                int h = (k >> 2) & 1;
                int f = k & 3;
                ByteVector ql = ByteVector.fromMemorySegment(B16, data, at + 64 * n + 32 * (f & 1) + 16 * h, LE);
                ByteVector qh = ByteVector.fromMemorySegment(B16, data, at + 128 + 32 * n + 16 * h, LE);
                float ds = d * scale(at, 8 * n + h + 2 * f);
                int o = off + 128 * n + 32 * f + 16 * h;
                // bit work on int lanes: x86 has no byte shifts (C2 emulates them slowly)
                for (int p = 0; p < Simd.PARTS_PER_16; p++) {
                    IntVector lo = ((IntVector) ql.convertShape(VectorOperators.ZERO_EXTEND_B2I, Simd.I, p))
                            .lanewise(VectorOperators.LSHR, 4 * (f >> 1)).and(0xF);
                    IntVector hi = ((IntVector) qh.convertShape(VectorOperators.ZERO_EXTEND_B2I, Simd.I, p))
                            .lanewise(VectorOperators.LSHR, 2 * f).and(3).lanewise(VectorOperators.LSHL, 4);
                    ((FloatVector) lo.or(hi).sub(32).convertShape(VectorOperators.I2F, F, 0)).mul(ds)
                            .intoArray(out, o + p * Simd.L);
                }
            }
        }
    }

    // Fused vector dot: decodes each 16-element chunk in registers and multiply-adds it at once, in element order
    // (chunk k = 8n + 2f + h: half n, field f, sub-row h; the two sub-rows written out). A value is
    // fma(q, ds, -32 * ds), (q - 32) * ds rounded once: exactly the float of decodeScalar (-32 * ds is exact). The
    // 16 products d * scale of a block are made by one vector multiply and read back as broadcasts. Flat loops
    // with few helper calls: nested loops with helpers went past C2's inlining depth, and an operation left out of
    // line boxes its vectors.

    @Override
    float floatDotVector(int row, float[] x, int xOff) {
        long at = row * rowBytes;
        int blocks = cols / 256;
        float[] ds = new float[16];
        float[] ms = new float[16];
        FloatVector acc = FloatVector.zero(F);
        for (int blk = 0; blk < blocks; blk++, at += 210) {
            FloatVector d = FloatVector.broadcast(F, half(at + 208));
            ByteVector scales = ByteVector.fromMemorySegment(B16, data, at + 192, LE);
            for (int p = 0; p < Simd.PARTS_PER_16; p++) {
                FloatVector v = Simd.bytesToFloat(scales, p).mul(d);
                v.intoArray(ds, p * L);
                v.mul(-32f).intoArray(ms, p * L);
            }
            if (L == 16) {
                for (int n = 0; n < 2; n++) {
                    // the six 16-byte pieces of this half, widened once (a 512-bit widening is a cross-lane shuffle,
                    // the costly step: widening per chunk ran at 5.3 GMAC/s, once per half at 7.4, from memory):
                    // ql bytes 0..15 / 16..31 (fields 0 and 2), 32..47 / 48..63 (fields 1 and 3), qh 0..15 / 16..31
                    long ql = at + 64 * n;
                    long qh = at + 128 + 32 * n;
                    IntVector l00 = widen(ql), l01 = widen(ql + 16), l10 = widen(ql + 32), l11 = widen(ql + 48);
                    IntVector h0 = widen(qh), h1 = widen(qh + 16);
                    int xn = xOff + blk * 256 + 128 * n;
                    for (int f = 0; f < 4; f++) {
                        int lowShift = 4 * (f >> 1);
                        int highShift = 2 * f;
                        int si = 8 * n + 2 * f;
                        IntVector q = ((f & 1) == 0 ? l00 : l10).lanewise(VectorOperators.LSHR, lowShift).and(0xF)
                                .or(h0.lanewise(VectorOperators.LSHR, highShift).and(3).lanewise(VectorOperators.LSHL, 4));
                        acc = ((FloatVector) q.convertShape(VectorOperators.I2F, F, 0))
                                .fma(FloatVector.broadcast(F, ds[si]), FloatVector.broadcast(F, ms[si]))
                                .fma(FloatVector.fromArray(F, x, xn + 32 * f), acc);
                        q = ((f & 1) == 0 ? l01 : l11).lanewise(VectorOperators.LSHR, lowShift).and(0xF)
                                .or(h1.lanewise(VectorOperators.LSHR, highShift).and(3).lanewise(VectorOperators.LSHL, 4));
                        acc = ((FloatVector) q.convertShape(VectorOperators.I2F, F, 0))
                                .fma(FloatVector.broadcast(F, ds[si + 1]), FloatVector.broadcast(F, ms[si + 1]))
                                .fma(FloatVector.fromArray(F, x, xn + 32 * f + 16), acc);
                    }
                }
                continue;
            }
            for (int nf = 0; nf < 8; nf++) { // chunks k = 2 * nf (sub-row 0) and 2 * nf + 1 (sub-row 1)
                int n = nf >> 2;
                int f = nf & 3;
                int lowShift = 4 * (f >> 1);
                int highShift = 2 * f;
                int si = 8 * n + 2 * f;
                long ql = at + 64 * n + 32 * (f & 1);
                long qh = at + 128 + 32 * n;
                int xi = xOff + blk * 256 + 32 * nf;
                for (int h = 0; h < 2; h++) { // sub-row h: bytes 16 h .. 16 h + 15 of ql and qh
                    FloatVector dv = FloatVector.broadcast(F, ds[si + h]);
                    FloatVector mv = FloatVector.broadcast(F, ms[si + h]);
                    ByteVector lowBits = ByteVector.fromMemorySegment(B16, data, ql + 16 * h, LE);
                    ByteVector highBits = ByteVector.fromMemorySegment(B16, data, qh + 16 * h, LE);
                    for (int p = 0; p < Simd.PARTS_PER_16; p++) {
                        IntVector lo = ((IntVector) lowBits.convertShape(VectorOperators.ZERO_EXTEND_B2I, Simd.I, p))
                                .lanewise(VectorOperators.LSHR, lowShift).and(0xF);
                        IntVector hi = ((IntVector) highBits.convertShape(VectorOperators.ZERO_EXTEND_B2I, Simd.I, p))
                                .lanewise(VectorOperators.LSHR, highShift).and(3).lanewise(VectorOperators.LSHL, 4);
                        acc = ((FloatVector) lo.or(hi).convertShape(VectorOperators.I2F, F, 0)).fma(dv, mv)
                                .fma(FloatVector.fromArray(F, x, xi + 16 * h + p * L), acc);
                    }
                }
            }
        }
        acc = acc.add(acc.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD2));
        return acc.add(acc.rearrange(Simd.FOLD1)).lane(0);
    }

    /** 16 bytes at {@code at}, zero-extended to 16 int lanes. */
    private IntVector widen(long at) {
        return (IntVector) ByteVector.fromMemorySegment(B16, data, at, LE)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, Simd.I, 0);
    }

    /** Q6_K: per 16 elements a signed step (largest magnitude / -32), stored as 8-bit multiples of {@code d}. */
    static void encode(float[] x, int s, byte[] out, int at) {
        float[] steps = new float[16];
        float signedMaxStep = Quantizer.subBlockSteps(x, s, -32f, steps);
        // ggml keeps the largest step at scale -128 (the full int8 range)
        float d = Float.float16ToFloat(Float.floatToFloat16(signedMaxStep / -128f));
        int[] q = new int[256];
        for (int j = 0; j < 16; j++) {
            int sc = d != 0 ? Math.max(-128, Math.min(127, Math.round(steps[j] / d))) : 0;
            out[at + 192 + j] = (byte) sc;
            float step = d * sc;
            for (int l = 0; l < 16; l++) {
                int v = step != 0 ? Math.round(x[s + 16 * j + l] / step) : 0;
                q[16 * j + l] = Math.max(-32, Math.min(31, v)) + 32;
            }
        }
        Quantizer.putShort(out, at + 208, Float.floatToFloat16(d));
        for (int n = 0; n < 2; n++) {
            for (int l = 0; l < 32; l++) {
                int q1 = q[128 * n + l];
                int q2 = q[128 * n + 32 + l];
                int q3 = q[128 * n + 64 + l];
                int q4 = q[128 * n + 96 + l];
                out[at + 64 * n + l] = (byte) ((q1 & 0xF) | (q3 & 0xF) << 4);
                out[at + 64 * n + 32 + l] = (byte) ((q2 & 0xF) | (q4 & 0xF) << 4);
                out[at + 128 + 32 * n + l] = (byte) ((q1 >>> 4) | (q2 >>> 4) << 2 | (q3 >>> 4) << 4 | (q4 >>> 4) << 6);
            }
        }
    }
}
