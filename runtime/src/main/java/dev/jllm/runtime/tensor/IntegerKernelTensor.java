package dev.jllm.runtime.tensor;

import dev.jllm.runtime.parallel.RowClaims;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A weight type with an integer kernel: its vector dot products and matmuls run over a copy repacked by
 * {@link #prepare} (a model calls it for its matrices when it loads) or else at the first use ({@link PackedRows}),
 * against activations quantized once per token ({@link Q8KActivations}), as llama.cpp's CPU kernels multiply
 * k-quants by Q8_K and Q4_0 / Q8_0 by Q8_0 ({@link #blockActivations}). The scalar oracle ({@link #integerDotScalar})
 * computes the same integers and float steps from the file layout, so vector and scalar results are equal bit for bit (a
 * stricter rule than the float kernels' shared operation order), whatever the token count or row range.
 *
 * <p>Which types repack is {@code -Djllm.repack}: {@code auto} (the default) and {@code true} repack all four,
 * {@code false} none. (Q4_0 and Q8_0 were left out by default until their packed layout kept the F16 scales, which
 * the prefetchers need, and Q8_0's activations were rounded per 32 values instead of per 256, which its accuracy
 * bound needs; bench/README.md, issue #18.) A type
 * that does not repack ({@link #withIntegerKernel}{@code (false)}) keeps the float kernels of
 * {@link DecodingTensor} over the file mapping and makes no copy.
 */
public abstract sealed class IntegerKernelTensor extends DecodingTensor permits Q4_0Tensor, Q4_KTensor, Q6_KTensor, Q8_0Tensor {

    /** System property: {@code auto} (default: each type's own choice, today all four), {@code true} (all four) or {@code false} (none). */
    public static final String REPACK_PROPERTY = "jllm.repack";
    /** The last value said to be wrong in the log (said once, not once per tensor). */
    private static volatile String reported;

    /** The property's value as one of auto / true / false; anything else is said once in the log, and auto used. */
    private static String repackSetting(String value) {
        String v = value.strip().toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "auto", "" -> "auto";
            case "true", "all" -> "true";
            case "false", "none" -> "false";
            default -> {
                if (!value.equals(reported)) {
                    reported = value;
                    System.getLogger(IntegerKernelTensor.class.getName()).log(System.Logger.Level.WARNING,
                            "-D" + REPACK_PROPERTY + "=" + value + " is not auto, true or false: auto is used");
                }
                yield "auto";
            }
        };
    }

    /**
     * Whether a new tensor of a type uses its integer kernel: {@code byDefault} unless the property says. Read per
     * tensor, so one process can load a model each way (bench's {@code PrefillRace} compares them side by side).
     */
    static boolean repacks(boolean byDefault) {
        return switch (repackSetting(System.getProperty(REPACK_PROPERTY, "auto"))) {
            case "true" -> true;
            case "false" -> false;
            default -> byDefault;
        };
    }

    /** Whether this tensor uses the integer kernel. */
    final boolean integer;
    private volatile PackedRows packed;

    IntegerKernelTensor(MemorySegment data, int rows, int cols, boolean vectorized, boolean integer) {
        super(data, rows, cols, vectorized);
        // Q8_K activations come in blocks of 256: rows of 32-element blocks that are not whole blocks of 256
        // (rare) keep the float kernels
        this.integer = integer && cols % Q8KActivations.BLOCK == 0;
    }

    /** Whether this tensor uses the integer kernel (multiplies activations rounded to {@link Q8KActivations}). */
    public final boolean integerKernel() {
        return integer;
    }

    /**
     * The same weights with the float kernels (weights decoded to floats, times float activations): the design
     * the integer kernel replaced, kept as its measured baseline and as the float-path reference.
     */
    public final IntegerKernelTensor withFloatKernel() {
        return withIntegerKernel(false);
    }

    /** The same weights with the integer kernel on or off, whatever {@code -Djllm.repack} chose. */
    public abstract IntegerKernelTensor withIntegerKernel(boolean on);

    /** The repacked copy of this tensor's rows. */
    abstract PackedRows repack();

    /**
     * Whether the activations are rounded in the Q8_0 form (a scale per 32 values: Q4_0 and Q8_0, whose weights have
     * a scale per 32 too) rather than Q8_K's (per 256: the k-quants, whose integer sums span whole super-blocks).
     */
    abstract boolean blockActivations();

    /**
     * {@code x[off .. off + cols)} rounded as this tensor's integer kernel rounds activations, in scalar code (the
     * oracle's rounding, equal bit for bit to the vector one): what a reference computation multiplies the weights by.
     */
    public final Q8KActivations roundScalar(Q8KActivations into, float[] x, int off) {
        return blockActivations() ? into.quantize32Scalar(x, off, cols) : into.quantizeScalar(x, off, cols);
    }

    /** {@link #roundScalar} with vector code. */
    final Q8KActivations roundVector(Q8KActivations into, float[] x, int off) {
        return blockActivations() ? into.quantize32(x, off, cols) : into.quantize(x, off, cols);
    }

    /** The oracle of the integer kernel: row {@code row} times {@code a}, in scalar code from the file layout. */
    abstract float integerDotScalar(int row, Q8KActivations a);

    /** The float kernel's fused vector dot (by default {@link DecodingTensor}'s decode-then-multiply). */
    float floatDotVector(int row, float[] x, int xOff) {
        return super.dotVector(row, x, xOff);
    }

    /** Whether the repacked copy exists (made by {@link #prepare} or the first vector matmul). */
    public final boolean repacked() {
        return packed != null;
    }

    /** Allocates the repacked copy (when this tensor uses the integer kernel), to be filled by {@link #prepare}. */
    @Override
    public final void reserve() {
        if (integer) {
            synchronized (this) {
                if (packed == null && reserved == null) {
                    reserved = repack();
                }
            }
        }
    }

    /** Repacks the rows now (when this tensor uses the integer kernel) rather than at the first matmul. */
    @Override
    public final void prepare() {
        if (integer) {
            packed();
        }
    }

    /** A copy allocated by {@link #reserve} and not filled yet (guarded by this). */
    private PackedRows reserved;

    private PackedRows packed() {
        PackedRows p = packed;
        if (p == null) {
            synchronized (this) {
                p = packed;
                if (p == null) {
                    p = reserved != null ? reserved : repack();
                    reserved = null;
                    p.fill();
                    packed = p;
                }
            }
        }
        return p;
    }

    @Override
    public final float dotScalar(int row, float[] x, int xOff) {
        if (!integer) {
            return super.dotScalar(row, x, xOff);
        }
        return integerDotScalar(row, roundScalar(Q8KActivations.scratch(1)[0], x, xOff));
    }

    @Override
    public final float dotVector(int row, float[] x, int xOff) {
        if (!integer) {
            return floatDotVector(row, x, xOff);
        }
        return packed().dot(row, roundVector(Q8KActivations.scratch(1)[0], x, xOff));
    }

    /** The tokens quantized once for all the rows this thread claims (as {@link #matmulVector} does per call). */
    @Override
    public final void matmulClaimed(RowClaims claims, int worker, float[] x, int xStride, int n, float[] out, int outStride) {
        if (!integer || !vectorized() || n <= 0) {
            super.matmulClaimed(claims, worker, x, xStride, n, out, outStride);
            return;
        }
        long c = claims.next(worker);
        if (c < 0) {
            return;
        }
        Objects.checkFromIndexSize(0, (long) (n - 1) * xStride + cols(), x.length);
        Q8KActivations[] a = Q8KActivations.scratch(n);
        for (int t = 0; t < n; t++) {
            roundVector(a[t], x, t * xStride);
        }
        PackedRows p = packed();
        float[] lanes = Gemm.Scratch.get().tmp;
        do {
            int from = RowClaims.from(c);
            int to = RowClaims.to(c);
            Objects.checkFromToIndex(from, to, rows());
            Objects.checkFromIndexSize(0, (long) (n - 1) * outStride + to, out.length);
            p.matmul(from, to, a, n, out, outStride, lanes);
        } while ((c = claims.next(worker)) >= 0);
    }

    @Override
    protected final void matmulVector(int rowFrom, int rowTo, float[] x, int xStride, int n, float[] out, int outStride) {
        if (!integer) {
            super.matmulVector(rowFrom, rowTo, x, xStride, n, out, outStride);
            return;
        }
        Q8KActivations[] a = Q8KActivations.scratch(n);
        for (int t = 0; t < n; t++) {
            roundVector(a[t], x, t * xStride);
        }
        packed().matmul(rowFrom, rowTo, a, n, out, outStride, Gemm.Scratch.get().tmp);
    }
}
