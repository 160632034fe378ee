package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.B16;
import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.L;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The 16-entry non-linear table of IQ4_NL and IQ4_XS ({@code kvalues_iq4nl} in ggml): a 4-bit index selects
 * one of these signed values, which the block (or sub-block) scale multiplies.
 */
final class Iq4Values {

    /** The table, in index order (ascending). */
    static final byte[] VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    /** The table as 16 byte lanes: the lookup table of {@link #lookup}. */
    static final ByteVector BYTES = ByteVector.fromArray(B16, VALUES, 0);

    /**
     * The table as floats, one entry per lane when the float species has 16 lanes (the fused dots' table: scaled
     * by a block's scale it holds the block's 16 possible values). Unused with fewer lanes.
     */
    static final FloatVector FLOATS = L == 16 ? FloatVector.fromArray(F, floats(), 0) : null;

    private Iq4Values() {}

    private static float[] floats() {
        float[] f = new float[16];
        for (int i = 0; i < 16; i++) {
            f[i] = VALUES[i];
        }
        return f;
    }

    /**
     * The table values of the low ({@code half} 0) or high ({@code half} 1) nibbles of 16 packed bytes, as 16
     * signed byte lanes. The shift is done on int lanes (x86 has no byte shifts); the lookup is one byte shuffle.
     */
    static ByteVector lookup(ByteVector packed, int half) {
        ByteVector nibbles = packed.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4 * half).reinterpretAsBytes()
                .and((byte) 0xF);
        return nibbles.selectFrom(BYTES);
    }

    /** The index of the table value nearest to {@code v} (the lower one on a tie). */
    static int nearest(float v) {
        int lo = 0;
        int hi = 15;
        while (hi - lo > 1) { // VALUES[lo] <= v < VALUES[hi], or v beyond an end
            int mid = (lo + hi) >>> 1;
            if (v < VALUES[mid]) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return v - VALUES[lo] <= VALUES[hi] - v ? lo : hi;
    }

    /**
     * The scale {@code s} (element {@code ~ s * T[i]}, {@link Iq4Values}) that fits {@code x[from .. from + n)}
     * best in the least-squares sense among a few candidates: the element of largest magnitude mapped near
     * either end of the table, each refined once by the least-squares scale of its nearest-entry assignment.
     * Signed: a negative scale mirrors the (asymmetric) table.
     */
    static float scale(float[] x, int from, int n) {
        float max = Quantizer.signedMax(x, from, n);
        if (max == 0) {
            return 0;
        }
        float best = 0;
        double bestErr = Double.POSITIVE_INFINITY;
        for (int end : new int[] {-127, -119, -111, 113, 105}) {
            float s = max / end;
            // least-squares refit of the scale for the nearest entries under s
            double sxq = 0;
            double sqq = 0;
            for (int j = 0; j < n; j++) {
                int q = VALUES[nearest(x[from + j] / s)];
                sxq += (double) x[from + j] * q;
                sqq += (double) q * q;
            }
            for (float candidate : new float[] {s, (float) (sxq / sqq)}) {
                double err = 0;
                for (int j = 0; j < n; j++) {
                    float v = x[from + j];
                    double e = v - (double) candidate * VALUES[nearest(v / candidate)];
                    err += e * e;
                }
                if (err < bestErr) {
                    bestErr = err;
                    best = candidate;
                }
            }
        }
        return best;
    }

    /** The 4-bit indices of {@code x[from .. from + 32)} for the element scale {@code dl}, packed as ggml does. */
    static void pack(float[] x, int from, float dl, byte[] out, int at) {
        for (int j = 0; j < 16; j++) {
            int lo = nearest(dl != 0 ? x[from + j] / dl : 0);
            int hi = nearest(dl != 0 ? x[from + 16 + j] / dl : 0);
            out[at + j] = (byte) (lo | hi << 4);
        }
    }
}
