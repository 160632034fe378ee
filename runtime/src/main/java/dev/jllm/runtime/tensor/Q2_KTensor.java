package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.B16;
import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.L;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

/**
 * GGML Q2_K weights. A super-block holds 256 elements in 84 bytes: 16 bytes {@code scales} (one per 16
 * elements: the low nibble is the scale, the high nibble the minimum), 64 bytes {@code qs} of 2-bit values,
 * then {@code d} and {@code dmin} as F16. Sub-block {@code k} (elements {@code 16k .. 16k+15}) is
 * {@code k = 8n + 2j + h}: half {@code n} (128 elements) uses {@code qs[32n .. 32n+31]}, and its element
 * {@code 32j + 16h + l} is bits {@code 2j, 2j+1} of {@code qs[32n + 16h + l]}. The value is
 * {@code (d * sc) * q - (dmin * m)}.
 */
public final class Q2_KTensor extends DecodingTensor {

    public Q2_KTensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        super(data, rows, cols, vectorized);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    @Override
    public Q2_KTensor withVectorized(boolean vectorized) {
        return new Q2_KTensor(data, rows, cols, vectorized);
    }

    @Override
    protected void decodeScalar(long at, float[] out, int off) {
        float d = half(at + 80);
        float dmin = half(at + 82);
        for (int e = 0; e < 256; e++) {
            int k = e / 16;      // sub-block: its scale/min byte
            int n = e / 128;     // half: which 32 bytes of qs
            int j = e % 128 / 32; // which 2-bit field of those bytes
            int h = e % 32 / 16; // first or second 16 of those bytes
            int l = e % 16;
            int sc = u8(at + k);
            int q = (u8(at + 16 + 32 * n + 16 * h + l) >>> (2 * j)) & 3;
            float dl = d * (sc & 0xF);
            float ml = dmin * (sc >>> 4);
            out[off + e] = dl * q - ml;
        }
    }

    @Override
    protected void decodeVector(long at, int count, float[] out, int off) {
        for (int b = 0; b < count; b++, at += 84, off += 256) {
            float d = half(at + 80);
            float dmin = half(at + 82);
            // one store site in the loop keeps C2's graph small enough to inline the vector helper
            for (int k = 0; k < 16; k++) {
                int sc = u8(at + k);
                ByteVector q = ByteVector.fromMemorySegment(B16, data, at + 16 + 32 * (k >> 3) + 16 * (k & 1), LE);
                storeFieldMulSub(q, 2 * ((k >> 1) & 3), 3, d * (sc & 0xF), dmin * (sc >>> 4), out, off + 16 * k);
            }
        }
    }

    // Fused vector dot: decodes each 16-element sub-block in registers (dl * q - ml rounded after the multiply
    // and after the subtraction, exactly like decodeScalar) and multiply-adds it at once, in element order.

    @Override
    public float dotVector(int row, float[] x, int xOff) {
        long at = row * rowBytes;
        int blocks = cols / 256;
        FloatVector acc = FloatVector.zero(F);
        for (int blk = 0; blk < blocks; blk++, at += 84) {
            int xb = xOff + blk * 256;
            float d = half(at + 80);
            float dmin = half(at + 82);
            for (int k = 0; k < 16; k++) {
                int sc = u8(at + k);
                FloatVector dv = FloatVector.broadcast(F, d * (sc & 0xF));
                FloatVector mv = FloatVector.broadcast(F, dmin * (sc >>> 4));
                ByteVector q = ByteVector.fromMemorySegment(B16, data, at + 16 + 32 * (k >> 3) + 16 * (k & 1), LE);
                int shift = 2 * ((k >> 1) & 3);
                for (int p = 0; p < Simd.PARTS_PER_16; p++) {
                    acc = Simd.fieldToFloat(q, p, shift, 3).mul(dv).sub(mv)
                            .fma(FloatVector.fromArray(F, x, xb + 16 * k + p * L), acc);
                }
            }
        }
        acc = acc.add(acc.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD2));
        return acc.add(acc.rearrange(Simd.FOLD1)).lane(0);
    }

    /**
     * Q2_K: per 16 elements the range {@code [min(0, lo), hi]} split into 3 steps; the sixteen steps and minimums
     * are stored as 4-bit multiples of the super-block's {@code d} and {@code dmin}. Four bits are coarse, so each
     * sub-block tries the two nearest scales and the two nearest minimums and keeps the pair whose round-to-nearest
     * values have the smallest squared error.
     */
    static void encode(float[] x, int s, byte[] out, int at) {
        float[] steps = new float[16];
        float[] mins = new float[16];
        float[] max = Quantizer.subBlockRanges(x, s, 16, 16, 3, steps, mins);
        float maxStep = max[0];
        float maxMin = max[1];
        float d = Float.float16ToFloat(Float.floatToFloat16(maxStep / 15f));
        float dmin = Float.float16ToFloat(Float.floatToFloat16(maxMin / 15f));
        byte[] block = new byte[84];
        for (int k = 0; k < 16; k++) {
            double bestErr = Double.POSITIVE_INFINITY;
            int bestSc = 0;
            int bestM = 0;
            for (int sc : nearestMultiples(steps[k], d, 15)) {
                for (int m : nearestMultiples(mins[k], dmin, 15)) {
                    float dl = d * sc;
                    float ml = dmin * m;
                    double err = 0;
                    for (int l = 0; l < 16; l++) {
                        float v = x[s + 16 * k + l];
                        double e = dl * q2(v, dl, ml) - ml - v;
                        err += e * e;
                    }
                    if (err < bestErr) {
                        bestErr = err;
                        bestSc = sc;
                        bestM = m;
                    }
                }
            }
            block[k] = (byte) (bestSc | bestM << 4);
            float dl = d * bestSc;
            float ml = dmin * bestM;
            // element 16k + l: bits 2j of qs[32n + 16h + l], k = 8n + 2j + h
            int n = k >> 3;
            int j = (k >> 1) & 3;
            int h = k & 1;
            for (int l = 0; l < 16; l++) {
                block[16 + 32 * n + 16 * h + l] |= (byte) (q2(x[s + 16 * k + l], dl, ml) << (2 * j));
            }
        }
        System.arraycopy(block, 0, out, at, 80);
        Quantizer.putShort(out, at + 80, Float.floatToFloat16(d));
        Quantizer.putShort(out, at + 82, Float.floatToFloat16(dmin));
    }

    /** The 2-bit value nearest to {@code v} for {@code dl * q - ml}. */
    static int q2(float v, float dl, float ml) {
        return dl > 0 ? Math.max(0, Math.min(3, Math.round((v + ml) / dl))) : 0;
    }

    /** The integers {@code c} in {@code [0, max]} whose {@code c * unit} are nearest below and above {@code v}. */
    static int[] nearestMultiples(float v, float unit, int max) {
        if (!(unit > 0)) {
            return new int[] {0};
        }
        int below = Math.max(0, Math.min(max, (int) Math.floor(v / unit)));
        int above = Math.min(max, below + 1);
        return below == above ? new int[] {below} : new int[] {below, above};
    }
}
