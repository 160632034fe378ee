package dev.jllm.runtime.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
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

    /**
     * Sum of the lanes in lane order. Written out instead of {@code reduceLanes(ADD)}, whose order is
     * unspecified and may differ between interpreted and compiled code: results must not depend on
     * JIT state (bit-identical single-token and multi-token dots rely on it).
     */
    public static float sumLanes(FloatVector v) {
        float sum = 0f;
        for (int lane = 0; lane < L; lane++) {
            sum += v.lane(lane);
        }
        return sum;
    }

    /**
     * Exact IEEE half to float conversion of {@link #L} halves (sign-extended or not, only the low 16
     * bits of each lane are used), including subnormals, infinities and NaNs, bit for bit like
     * {@link Float#float16ToFloat(short)}.
     */
    public static FloatVector halfToFloat(ShortVector halves) {
        IntVector bits = (IntVector) halves.castShape(I, 0);
        IntVector magnitude = bits.and(0x7FFF);
        IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        // Placing the 15 magnitude bits at the top of a float's exponent/mantissa and scaling by
        // 2^(127-15) re-biases the exponent; it is exact for normal and subnormal halves alike.
        FloatVector scaled = magnitude.lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
        IntVector result = scaled.reinterpretAsInts().or(sign);
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7C00);
        if (special.anyTrue()) {
            // Infinity keeps its sign; a NaN keeps its payload and becomes quiet, as Float.float16ToFloat does.
            IntVector infOrNan = sign.or(0x7F800000).or(magnitude.and(0x3FF).lanewise(VectorOperators.LSHL, 13));
            infOrNan = infOrNan.blend(infOrNan.or(0x00400000), magnitude.compare(VectorOperators.GT, 0x7C00));
            result = result.blend(infOrNan, special);
        }
        return result.reinterpretAsFloats();
    }

    /** Exact bfloat16 to float conversion: a bfloat16 is the top half of a float. */
    public static FloatVector bf16ToFloat(ShortVector halves) {
        IntVector bits = (IntVector) halves.castShape(I, 0);
        return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** Part {@code part} (0 .. {@link #PARTS_PER_16}-1) of 16 signed bytes widened to floats. */
    public static FloatVector bytesToFloat(ByteVector bytes, int part) {
        return (FloatVector) bytes.castShape(F, part);
    }
}
