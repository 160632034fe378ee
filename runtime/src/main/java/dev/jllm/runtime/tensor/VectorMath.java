package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.I;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Transcendental functions for the vector kernels, built only from IEEE add/multiply/fma and bit
 * operations. The Vector API's own {@code lanewise(EXP)} is not used because its result differs between
 * interpreted code (a per-lane {@code Math.exp}) and C2 (an SVML-style intrinsic): logits would then depend
 * on JIT warm-up, breaking the bit-identical batch results the engine guarantees.
 */
public final class VectorMath {

    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split so that {@code n * LN2_HI} is exact for the |n| <= 128 used here (Cody-Waite reduction). */
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.428606765330187045e-06f;
    /** Adding then subtracting 1.5 * 2^23 rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUNDER = 0x1.8p23f;
    /** Below this exp underflows to zero in float (the reduced form would need a subnormal scale). */
    private static final float MIN_INPUT = -87.3f;
    /** Above this the scale 2^n would overflow the float exponent. */
    private static final float MAX_INPUT = 88.3f;

    private VectorMath() {}

    /**
     * {@code e^x} lane-wise for {@code x} of {@link Simd#F}'s species, within about 2 ulp of {@link Math#exp} for
     * inputs in [-87.3, 88.3]; 0 below, +infinity above, NaN for NaN.
     */
    public static FloatVector exp(FloatVector x) {
        // max(x, MIN_INPUT) and min(.., MAX_INPUT) as compares and blends: the same values for every x, NaN and -0
        // included (neither bound is NaN or a zero), where FloatVector.max/min are instruction sequences for those rules
        FloatVector clamped = x.blend(MIN_INPUT, x.compare(VectorOperators.LT, MIN_INPUT));
        clamped = clamped.blend(MAX_INPUT, clamped.compare(VectorOperators.GT, MAX_INPUT));
        // x = n ln2 + r with n integer and |r| <= ln2 / 2
        FloatVector z = clamped.fma(LOG2E, ROUNDER);
        FloatVector n = z.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(n.species(), -LN2_HI), clamped);
        r = n.fma(FloatVector.broadcast(n.species(), -LN2_LO), r);
        // e^r by its Taylor polynomial to degree 6 (truncation error below 1.2e-7 relative on |r| <= 0.347)
        FloatVector p = r.fma(1f / 720f, 1f / 120f);
        p = p.fma(r, FloatVector.broadcast(r.species(), 1f / 24f));
        p = p.fma(r, FloatVector.broadcast(r.species(), 1f / 6f));
        p = p.fma(r, FloatVector.broadcast(r.species(), 0.5f));
        p = p.fma(r, FloatVector.broadcast(r.species(), 1f));
        p = p.fma(r, FloatVector.broadcast(r.species(), 1f));
        // 2^n built from its exponent bits (n is within [-126, 127] after the clamp)
        IntVector bits = ((IntVector) n.convertShape(VectorOperators.F2I, I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        FloatVector result = p.mul(bits.reinterpretAsFloats());
        result = result.blend(0f, x.compare(VectorOperators.LT, MIN_INPUT));
        return result.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, MAX_INPUT));
    }
}
