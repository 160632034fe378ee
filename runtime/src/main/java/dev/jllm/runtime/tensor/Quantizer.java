package dev.jllm.runtime.tensor;

import dev.jllm.models.gguf.GgmlType;
import java.util.List;

/**
 * Float to file-layout conversion for every weight type with kernels, by round-to-nearest: the 32-element
 * types follow ggml's reference quantizers ({@code quantize_row_*_ref}) exactly; the k-quants use a plain
 * round-to-nearest choice of scales and minimums (Q2_K also tries the two nearest 4-bit ones; ggml's reference
 * searches for slightly better ones, the layout is the same); IQ4_NL and IQ4_XS pick each scale by a small
 * least-squares search (ggml's reference also weighs the elements). Used to write synthetic models and test
 * data, by {@code jllm convert} and by load-time quantization ({@code --quantize}).
 */
public final class Quantizer {

    /** The types {@link #quantize} writes (those with kernels). */
    public static final List<GgmlType> SUPPORTED = WeightTensor.SUPPORTED;

    private Quantizer() {}

    /** Whether rows of {@code cols} elements can be written as {@code type} (a supported type, whole blocks). */
    public static boolean supports(GgmlType type, long cols) {
        return SUPPORTED.contains(type) && cols % type.blockSize() == 0;
    }

    /** {@code values} (a whole number of blocks) in the file layout of {@code type}. */
    public static byte[] quantize(GgmlType type, float[] values) {
        byte[] out = new byte[Math.toIntExact(type.byteSize(values.length))];
        quantize(type, values, 0, values.length, out, 0);
        return out;
    }

    /**
     * Writes {@code n} values from {@code src[srcOff ..]} ({@code n} a multiple of the block size) to
     * {@code dst[dstOff ..]} in the file layout of {@code type}.
     */
    public static void quantize(GgmlType type, float[] src, int srcOff, int n, byte[] dst, int dstOff) {
        int block = type.blockSize();
        if (n % block != 0) {
            throw new IllegalArgumentException(type + " needs a multiple of " + block + " values, got " + n);
        }
        int bytes = type.typeSize();
        for (int b = 0; b < n / block; b++) {
            int s = srcOff + b * block;
            int d = dstOff + b * bytes;
            switch (type) {
                case F32 -> putInt(dst, d, Float.floatToRawIntBits(src[s]));
                case F16 -> putShort(dst, d, Float.floatToFloat16(src[s]));
                case BF16 -> putShort(dst, d, toBf16(src[s]));
                case Q8_0 -> q8_0(src, s, dst, d);
                case Q4_0 -> q4_0(src, s, dst, d);
                case Q4_1 -> q4_1(src, s, dst, d);
                case Q5_0 -> q5_0(src, s, dst, d);
                case Q5_1 -> q5_1(src, s, dst, d);
                case Q2_K -> q2_K(src, s, dst, d);
                case Q3_K -> q3_K(src, s, dst, d);
                case Q4_K -> kQuant(src, s, dst, d, 15, false);
                case Q5_K -> kQuant(src, s, dst, d, 31, true);
                case Q6_K -> q6_K(src, s, dst, d);
                case IQ4_NL -> iq4_NL(src, s, dst, d);
                case IQ4_XS -> iq4_XS(src, s, dst, d);
                default -> throw new IllegalArgumentException("no quantizer for " + type + " (supported: "
                        + SUPPORTED + ")");
            }
        }
    }

    /** Round to nearest even, as ggml converts finite floats to bfloat16; NaN stays a quiet NaN. */
    static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** C's {@code roundf}: halves away from zero. */
    private static int roundHalfAway(float v) {
        int r = Math.round(Math.abs(v));
        return v < 0 ? -r : r;
    }

    private static void putShort(byte[] b, int at, short v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    /** The value of largest magnitude (the first of equal ones), with its sign. */
    private static float signedMax(float[] x, int from, int n) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < n; j++) {
            float v = x[from + j];
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        return max;
    }

    private static void q8_0(float[] x, int s, byte[] out, int at) {
        float amax = Math.abs(signedMax(x, s, 32));
        float d = amax / 127f;
        float id = d != 0 ? 1f / d : 0f;
        putShort(out, at, Float.floatToFloat16(d));
        for (int j = 0; j < 32; j++) {
            out[at + 2 + j] = (byte) roundHalfAway(x[s + j] * id);
        }
    }

    private static void q4_0(float[] x, int s, byte[] out, int at) {
        float d = signedMax(x, s, 32) / -8f;
        float id = d != 0 ? 1f / d : 0f;
        putShort(out, at, Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) (x[s + j] * id + 8.5f));
            int hi = Math.min(15, (int) (x[s + 16 + j] * id + 8.5f));
            out[at + 2 + j] = (byte) (lo | hi << 4);
        }
    }

    private static void q4_1(float[] x, int s, byte[] out, int at) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < 32; j++) {
            min = Math.min(min, x[s + j]);
            max = Math.max(max, x[s + j]);
        }
        float d = (max - min) / 15f;
        float id = d != 0 ? 1f / d : 0f;
        putShort(out, at, Float.floatToFloat16(d));
        putShort(out, at + 2, Float.floatToFloat16(min));
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) ((x[s + j] - min) * id + 0.5f));
            int hi = Math.min(15, (int) ((x[s + 16 + j] - min) * id + 0.5f));
            out[at + 4 + j] = (byte) (lo | hi << 4);
        }
    }

    private static void q5_0(float[] x, int s, byte[] out, int at) {
        float d = signedMax(x, s, 32) / -16f;
        float id = d != 0 ? 1f / d : 0f;
        putShort(out, at, Float.floatToFloat16(d));
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(31, (int) (x[s + j] * id + 16.5f));
            int hi = Math.min(31, (int) (x[s + 16 + j] * id + 16.5f));
            out[at + 6 + j] = (byte) ((lo & 0xF) | (hi & 0xF) << 4);
            qh |= ((lo >>> 4) & 1) << j;
            qh |= ((hi >>> 4) & 1) << (j + 16);
        }
        putInt(out, at + 2, qh);
    }

    private static void q5_1(float[] x, int s, byte[] out, int at) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < 32; j++) {
            min = Math.min(min, x[s + j]);
            max = Math.max(max, x[s + j]);
        }
        float d = (max - min) / 31f;
        float id = d != 0 ? 1f / d : 0f;
        putShort(out, at, Float.floatToFloat16(d));
        putShort(out, at + 2, Float.floatToFloat16(min));
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(31, (int) ((x[s + j] - min) * id + 0.5f));
            int hi = Math.min(31, (int) ((x[s + 16 + j] - min) * id + 0.5f));
            out[at + 8 + j] = (byte) ((lo & 0xF) | (hi & 0xF) << 4);
            qh |= ((lo >>> 4) & 1) << j;
            qh |= ((hi >>> 4) & 1) << (j + 16);
        }
        putInt(out, at + 4, qh);
    }

    /**
     * Q4_K ({@code levels} 15) and Q5_K ({@code levels} 31): per 32-element sub-block the range
     * {@code [min(0, lo), hi]} split into {@code levels} steps; the eight steps and minimums are then stored
     * as 6-bit multiples of the super-block's {@code d} and {@code dmin}.
     */
    private static void kQuant(float[] x, int s, byte[] out, int at, int levels, boolean fifthBit) {
        float[] steps = new float[8];
        float[] mins = new float[8];
        float maxStep = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            float lo = 0;
            float hi = 0;
            for (int l = 0; l < 32; l++) {
                lo = Math.min(lo, x[s + 32 * j + l]);
                hi = Math.max(hi, x[s + 32 * j + l]);
            }
            steps[j] = (hi - lo) / levels;
            mins[j] = -lo;
            maxStep = Math.max(maxStep, steps[j]);
            maxMin = Math.max(maxMin, mins[j]);
        }
        float d = Float.float16ToFloat(Float.floatToFloat16(maxStep / 63f));
        float dmin = Float.float16ToFloat(Float.floatToFloat16(maxMin / 63f));
        int[] sc = new int[8];
        int[] m = new int[8];
        for (int j = 0; j < 8; j++) {
            sc[j] = d > 0 ? Math.min(63, Math.round(steps[j] / d)) : 0;
            m[j] = dmin > 0 ? Math.min(63, Math.round(mins[j] / dmin)) : 0;
        }
        putShort(out, at, Float.floatToFloat16(d));
        putShort(out, at + 2, Float.floatToFloat16(dmin));
        byte[] scales = new byte[12];
        KScales.pack(sc, m, scales, 0);
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

    /**
     * Q2_K: per 16 elements the range {@code [min(0, lo), hi]} split into 3 steps; the sixteen steps and minimums
     * are stored as 4-bit multiples of the super-block's {@code d} and {@code dmin}. Four bits are coarse, so each
     * sub-block tries the two nearest scales and the two nearest minimums and keeps the pair whose round-to-nearest
     * values have the smallest squared error.
     */
    private static void q2_K(float[] x, int s, byte[] out, int at) {
        float[] steps = new float[16];
        float[] mins = new float[16];
        float maxStep = 0;
        float maxMin = 0;
        for (int k = 0; k < 16; k++) {
            float lo = 0;
            float hi = 0;
            for (int l = 0; l < 16; l++) {
                lo = Math.min(lo, x[s + 16 * k + l]);
                hi = Math.max(hi, x[s + 16 * k + l]);
            }
            steps[k] = (hi - lo) / 3;
            mins[k] = -lo;
            maxStep = Math.max(maxStep, steps[k]);
            maxMin = Math.max(maxMin, mins[k]);
        }
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
        putShort(out, at + 80, Float.floatToFloat16(d));
        putShort(out, at + 82, Float.floatToFloat16(dmin));
    }

    /** The 2-bit value nearest to {@code v} for {@code dl * q - ml}. */
    private static int q2(float v, float dl, float ml) {
        return dl > 0 ? Math.max(0, Math.min(3, Math.round((v + ml) / dl))) : 0;
    }

    /** The integers {@code c} in {@code [0, max]} whose {@code c * unit} are nearest below and above {@code v}. */
    private static int[] nearestMultiples(float v, float unit, int max) {
        if (!(unit > 0)) {
            return new int[] {0};
        }
        int below = Math.max(0, Math.min(max, (int) Math.floor(v / unit)));
        int above = Math.min(max, below + 1);
        return below == above ? new int[] {below} : new int[] {below, above};
    }

    /**
     * {@code steps[k]} = the signed value of largest magnitude of the 16-element sub-block {@code k} divided by
     * {@code divisor}; returns the step of largest magnitude, with its sign (the first of equal ones).
     */
    private static float subBlockSteps(float[] x, int s, float divisor, float[] steps) {
        float maxStep = 0;
        float signedMaxStep = 0;
        for (int k = 0; k < 16; k++) {
            steps[k] = signedMax(x, s + 16 * k, 16) / divisor;
            if (Math.abs(steps[k]) > maxStep) {
                maxStep = Math.abs(steps[k]);
                signedMaxStep = steps[k];
            }
        }
        return signedMaxStep;
    }

    /**
     * Q3_K: per 16 elements a signed step (largest magnitude / -4, so values run -4..3), stored as 6-bit signed
     * multiples of {@code d} (the largest step at -32, as Q6_K keeps its largest at -128).
     */
    private static void q3_K(float[] x, int s, byte[] out, int at) {
        float[] steps = new float[16];
        float signedMaxStep = subBlockSteps(x, s, -4f, steps);
        float d = Float.float16ToFloat(Float.floatToFloat16(signedMaxStep / -32f));
        byte[] block = new byte[110];
        for (int k = 0; k < 16; k++) {
            int sc = d != 0 ? Math.max(-32, Math.min(31, Math.round(steps[k] / d))) : 0;
            int stored = sc + 32;
            // scale k: low 4 bits in byte k % 8 (nibble k / 8), top 2 bits at bit 2 (k / 4) of byte 8 + k % 4
            block[96 + k % 8] |= (byte) ((stored & 0xF) << (4 * (k / 8)));
            block[96 + 8 + k % 4] |= (byte) ((stored >>> 4) << (2 * (k / 4)));
            float step = d * sc;
            // element 16k + l: bits 2j of qs[32n + 16h + l], bit 4n + j of hmask[16h + l], k = 8n + 2j + h
            int n = k >> 3;
            int j = (k >> 1) & 3;
            int h = k & 1;
            for (int l = 0; l < 16; l++) {
                int v = step != 0 ? Math.round(x[s + 16 * k + l] / step) : 0;
                int u = Math.max(-4, Math.min(3, v)) + 4; // 0..7: value u - 4, high bit set when u >= 4
                block[32 + 32 * n + 16 * h + l] |= (byte) ((u & 3) << (2 * j));
                block[16 * h + l] |= (byte) ((u >>> 2) << (4 * n + j));
            }
        }
        System.arraycopy(block, 0, out, at, 108);
        putShort(out, at + 108, Float.floatToFloat16(d));
    }

    /** Q6_K: per 16 elements a signed step (largest magnitude / -32), stored as 8-bit multiples of {@code d}. */
    private static void q6_K(float[] x, int s, byte[] out, int at) {
        float[] steps = new float[16];
        float signedMaxStep = subBlockSteps(x, s, -32f, steps);
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
        putShort(out, at + 208, Float.floatToFloat16(d));
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

    /**
     * The scale {@code s} (element {@code ~ s * T[i]}, {@link Iq4Values}) that fits {@code x[from .. from + n)}
     * best in the least-squares sense among a few candidates: the element of largest magnitude mapped near
     * either end of the table, each refined once by the least-squares scale of its nearest-entry assignment.
     * Signed: a negative scale mirrors the (asymmetric) table.
     */
    private static float iq4Scale(float[] x, int from, int n) {
        float max = signedMax(x, from, n);
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
                int q = Iq4Values.VALUES[Iq4Values.nearest(x[from + j] / s)];
                sxq += (double) x[from + j] * q;
                sqq += (double) q * q;
            }
            for (float candidate : new float[] {s, (float) (sxq / sqq)}) {
                double err = 0;
                for (int j = 0; j < n; j++) {
                    float v = x[from + j];
                    double e = v - (double) candidate * Iq4Values.VALUES[Iq4Values.nearest(v / candidate)];
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
    private static void iq4Pack(float[] x, int from, float dl, byte[] out, int at) {
        for (int j = 0; j < 16; j++) {
            int lo = Iq4Values.nearest(dl != 0 ? x[from + j] / dl : 0);
            int hi = Iq4Values.nearest(dl != 0 ? x[from + 16 + j] / dl : 0);
            out[at + j] = (byte) (lo | hi << 4);
        }
    }

    /** IQ4_NL: the block's scale from {@link #iq4Scale}, rounded to F16, then the nearest table entries. */
    private static void iq4_NL(float[] x, int s, byte[] out, int at) {
        short d = Float.floatToFloat16(iq4Scale(x, s, 32));
        putShort(out, at, d);
        iq4Pack(x, s, Float.float16ToFloat(d), out, at + 2);
    }

    /**
     * IQ4_XS: the eight sub-block scales from {@link #iq4Scale}, stored as 6-bit multiples {@code ls - 32} of the
     * super-block's {@code d} (the largest one at exactly -32), then the nearest table entries for each sub-block
     * scale {@code d * (ls - 32)} as the decoder computes it.
     */
    private static void iq4_XS(float[] x, int s, byte[] out, int at) {
        float[] scales = new float[8];
        float maxScale = 0;
        for (int ib = 0; ib < 8; ib++) {
            scales[ib] = iq4Scale(x, s + 32 * ib, 32);
            if (Math.abs(scales[ib]) > Math.abs(maxScale)) {
                maxScale = scales[ib];
            }
        }
        float d = Float.float16ToFloat(Float.floatToFloat16(maxScale / -32f));
        putShort(out, at, Float.floatToFloat16(d));
        int scalesH = 0;
        for (int i = 0; i < 4; i++) {
            out[at + 4 + i] = 0;
        }
        for (int ib = 0; ib < 8; ib++) {
            int l = d != 0 ? Math.max(-32, Math.min(31, Math.round(scales[ib] / d))) : 0;
            int ls = l + 32;
            out[at + 4 + ib / 2] |= (byte) ((ls & 0xF) << (4 * (ib % 2)));
            scalesH |= (ls >>> 4) << (2 * ib);
            iq4Pack(x, s + 32 * ib, d * (ls - 32), out, at + 8 + 16 * ib);
        }
        putShort(out, at + 2, (short) scalesH);
    }
}
