package dev.jllm.runtime.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species every kernel uses, and the few vector helpers shared by the weight types.
 *
 * <p>The float species is the platform's preferred one, capped by the system property
 * {@code jllm.vector.bits} (512, 256 or 128). {@code jllm.vector.bits=0} keeps the species (tests
 * still exercise the vector kernels) but makes the scalar kernels the default, which is the
 * reference path. The species are {@code static final} so that C2 folds them into constants.
 */
public final class Simd {

    /** Name of the system property that caps (or, with 0, disables by default) the vector width. */
    public static final String VECTOR_BITS_PROPERTY = "jllm.vector.bits";

    private static final int REQUESTED_BITS = requestedBits();

    /** Float species of the kernels (4, 8 or 16 lanes). */
    public static final VectorSpecies<Float> F = floatSpecies(REQUESTED_BITS);
    /** Lanes of {@link #F}. */
    public static final int L = F.length();
    /** Int species with as many lanes as {@link #F}. */
    public static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Short species with as many lanes as {@link #F} (half its bit size), for F16/BF16 loads. */
    public static final VectorSpecies<Short> S_HALF =
            VectorSpecies.of(short.class, VectorShape.forBitSize(L * Short.SIZE));
    /** 16-byte species used to load quantized blocks; its lanes are widened to floats in {@code 16 / L} parts. */
    public static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    /** Number of float vectors one 16-byte load expands into. */
    public static final int PARTS_PER_16 = 16 / L;

    /**
     * Whether new tensors and kernels use the vector path unless told otherwise: false when
     * {@code jllm.vector.bits=0} or when the platform has no useful vector unit.
     */
    public static final boolean VECTOR_BY_DEFAULT = REQUESTED_BITS != 0
            && FloatVector.SPECIES_PREFERRED.length() >= 4;

    private Simd() {}

    private static int requestedBits() {
        String value = System.getProperty(VECTOR_BITS_PROPERTY);
        if (value == null || value.isBlank()) {
            return -1;
        }
        int bits;
        try {
            bits = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            bits = -2;
        }
        if (bits != 0 && bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException(
                    VECTOR_BITS_PROPERTY + " must be 0, 128, 256 or 512, got '" + value + "'");
        }
        return bits;
    }

    private static VectorSpecies<Float> floatSpecies(int requestedBits) {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int bits = Math.max(128, requestedBits <= 0 ? preferred : Math.min(preferred, requestedBits));
        return VectorSpecies.of(float.class, VectorShape.forBitSize(Math.min(bits, 512)));
    }

    // The fixed-order lane sum. Kernels must not use reduceLanes(ADD): C2 sums the lanes as a tree while the
    // interpreter and C1 sum them in lane order, so results would depend on JIT state (measured on JDK 25).
    // The steps are written out in each kernel rather than called through a helper, because C2 sometimes
    // declines to inline even a tiny helper ("low call site frequency") and then boxes the vector argument on
    // the heap at every call. Each kernel ends with:
    //
    //     acc = acc.add(acc.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
    //     acc = acc.add(acc.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
    //     acc = acc.add(acc.rearrange(Simd.FOLD2));
    //     float sum = acc.add(acc.rearrange(Simd.FOLD1)).lane(0);
    //
    // i.e. lane i + lane i^8 (16 lanes only), then i^4 (8 or more lanes), i^2, i^1; a step that does not apply
    // to the species adds zero (its mask is empty).

    /** Lane i to lane i^8 (identity for fewer than 16 lanes). */
    public static final VectorShuffle<Float> FOLD8 = VectorShuffle.fromOp(F, i -> L >= 16 ? i ^ 8 : i);
    /** All lanes when the species has 16 lanes, none otherwise. */
    public static final VectorMask<Float> FOLD8_LANES = VectorMask.fromLong(F, L >= 16 ? -1L : 0L);
    /** Lane i to lane i^4 (identity for fewer than 8 lanes). */
    public static final VectorShuffle<Float> FOLD4 = VectorShuffle.fromOp(F, i -> L >= 8 ? i ^ 4 : i);
    /** All lanes when the species has 8 or more lanes, none otherwise. */
    public static final VectorMask<Float> FOLD4_LANES = VectorMask.fromLong(F, L >= 8 ? -1L : 0L);
    /** Lane i to lane i^2. */
    public static final VectorShuffle<Float> FOLD2 = VectorShuffle.fromOp(F, i -> i ^ 2);
    /** Lane i to lane i^1. */
    public static final VectorShuffle<Float> FOLD1 = VectorShuffle.fromOp(F, i -> i ^ 1);

    /**
     * The fixed-order lane sum as a method, for tests and cold code (hot kernels write the steps out, see
     * above).
     */
    public static float sumLanes(FloatVector v) {
        v = v.add(v.rearrange(FOLD8, FOLD8_LANES));
        v = v.add(v.rearrange(FOLD4, FOLD4_LANES));
        v = v.add(v.rearrange(FOLD2));
        return v.add(v.rearrange(FOLD1)).lane(0);
    }

    /**
     * Exact IEEE half to float conversion of {@link #L} halves, including subnormals, infinities and NaNs, bit for
     * bit like {@link Float#float16ToFloat(short)}.
     */
    public static FloatVector halfToFloat(ShortVector halves) {
        // castShape sign-extends: bit 31 of each int lane is the half's sign, so one AND extracts it, and one
        // shift + AND place the 15 magnitude bits at bits 13..27 (an operation fewer than masking first).
        IntVector bits = (IntVector) halves.castShape(I, 0);
        IntVector magnitude = bits.lanewise(VectorOperators.LSHL, 13).and(0x0FFFE000);
        IntVector sign = bits.and(0x80000000);
        // The magnitude bits at the top of a float's exponent/mantissa, scaled by 2^(127-15), re-bias the
        // exponent; exact for normal and subnormal halves alike.
        FloatVector scaled = magnitude.reinterpretAsFloats().mul(0x1p112f);
        IntVector result = scaled.reinterpretAsInts().or(sign);
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7C00 << 13);
        if (special.anyTrue()) {
            // Infinity keeps its sign; a NaN keeps its payload and becomes quiet, as Float.float16ToFloat does.
            IntVector infOrNan = sign.or(0x7F800000).or(magnitude.and(0x3FF << 13));
            infOrNan = infOrNan.blend(infOrNan.or(0x00400000), magnitude.compare(VectorOperators.GT, 0x7C00 << 13));
            result = result.blend(infOrNan, special);
        }
        return result.reinterpretAsFloats();
    }

    /** Exact bfloat16 to float conversion: a bfloat16 is the top half of a float. */
    public static FloatVector bf16ToFloat(ShortVector halves) {
        IntVector bits = (IntVector) halves.castShape(I, 0);
        return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /**
     * Part {@code part} (0 .. {@link #PARTS_PER_16}-1) of the bit field {@code (byte >>> shift) & mask} of 16
     * unsigned bytes, as ints. The bit work is on int lanes: x86 has no byte shifts, and C2's emulation of them
     * cost more than the rest of a kernel (measured 2x on AVX-512).
     */
    public static IntVector field(ByteVector bytes, int part, int shift, int mask) {
        IntVector v = (IntVector) bytes.convertShape(VectorOperators.ZERO_EXTEND_B2I, I, part);
        return v.lanewise(VectorOperators.LSHR, shift).and(mask);
    }

    /** {@link #field} as floats. */
    public static FloatVector fieldToFloat(ByteVector bytes, int part, int shift, int mask) {
        return (FloatVector) field(bytes, part, shift, mask).convertShape(VectorOperators.I2F, F, 0);
    }

    /** Part {@code part} (0 .. {@link #PARTS_PER_16}-1) of 16 signed bytes widened to floats. */
    public static FloatVector bytesToFloat(ByteVector bytes, int part) {
        return (FloatVector) bytes.castShape(F, part);
    }
}
