package dev.jllm.runtime.tensor;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.runtime.parallel.RowClaims;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;

/**
 * A 2-D weight matrix kept in its file layout (a {@link MemorySegment} slice of the model mapping):
 * {@code rows} rows of {@code cols} elements, each row stored contiguously as GGUF stores it.
 *
 * <p>Each weight type is one subclass holding three kernels: a scalar {@link #dotScalar} (the oracle, also the
 * default when {@code jllm.vector.bits=0}), a single-token {@link #dotVector} that decodes the weights as it goes,
 * and {@link #decodeRowVector}, the vector dequantization that the matrix x matrix path ({@link Gemm}) runs once
 * per row before multiplying it with every token.
 *
 * <p>All vector kernels share one operation order, so a row's result is bit-identical whether its token was
 * evaluated alone or inside a batch of any size: the row's weights are dequantized to exactly the floats of
 * {@link #dequantizeRow}; the vector chunks (elements {@code [c * L, c * L + L)}) are fused-multiply-added in
 * order into one accumulator; its lanes are folded in the fixed order of {@link Simd}; the {@code cols % L} tail
 * elements are then fused in one at a time.
 *
 * <p>Adding a weight type means one new subclass (usually of {@link DecodingTensor}) and one line in {@link #of}.
 */
public abstract sealed class WeightTensor permits FloatTensor, DecodingTensor {

    /** Dequantized floats of one matmul row tile: kept in L2 while every group of four tokens passes over it. */
    private static final int TILE_FLOATS = 64 * 1024;

    protected final MemorySegment data;
    protected final int rows;
    protected final int cols;
    protected final long rowBytes;
    private final boolean vectorized;

    protected WeightTensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        this(null, data, rows, cols, vectorized);
    }

    /**
     * For a class holding several types, {@code type} is this tensor's; {@code null} means the class's constant
     * {@link #type()} (it returns a constant, so calling it from the constructor is safe).
     */
    protected WeightTensor(GgmlType type, MemorySegment data, int rows, int cols, boolean vectorized) {
        GgmlType t = type != null ? type : type();
        int blockSize = t.blockSize();
        int blockBytes = t.typeSize();
        this.data = Objects.requireNonNull(data, "data");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(t + " tensor needs positive dimensions, got " + rows + "x" + cols);
        }
        if (cols % blockSize != 0) {
            throw new IllegalArgumentException(t + " rows must be a multiple of " + blockSize
                    + " elements, got " + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = (long) (cols / blockSize) * blockBytes;
        long needed = rowBytes * rows;
        if (data.byteSize() < needed) {
            throw new IllegalArgumentException(t + " tensor " + rows + "x" + cols + " needs " + needed
                    + " bytes, the segment has " + data.byteSize());
        }
        this.vectorized = vectorized;
    }

    /** The weight type. */
    public abstract GgmlType type();

    /** The GGUF name of the weight type, e.g. {@code Q4_0}. */
    public final String typeName() {
        return type().name();
    }

    /**
     * Wraps {@code data} (a row-major {@code rows x cols} tensor of {@code type} in file layout) with the
     * kernels of its type.
     *
     * @throws ModelFormatException for a weight type without kernels yet
     */
    public static WeightTensor of(GgmlType type, MemorySegment data, int rows, int cols, boolean vectorized) {
        return switch (type) {
            case F32, F16, BF16 -> new FloatTensor(type, data, rows, cols, vectorized);
            case Q8_0 -> new Q8_0Tensor(data, rows, cols, vectorized);
            case Q4_0 -> new Q4_0Tensor(data, rows, cols, vectorized);
            case Q4_1 -> new Q4_1Tensor(data, rows, cols, vectorized);
            case Q5_0 -> new Q5_0Tensor(data, rows, cols, vectorized);
            case Q5_1 -> new Q5_1Tensor(data, rows, cols, vectorized);
            case Q2_K -> new Q2_KTensor(data, rows, cols, vectorized);
            case Q3_K -> new Q3_KTensor(data, rows, cols, vectorized);
            case Q4_K -> new Q4_KTensor(data, rows, cols, vectorized);
            case Q5_K -> new Q5_KTensor(data, rows, cols, vectorized);
            case Q6_K -> new Q6_KTensor(data, rows, cols, vectorized);
            case IQ4_NL -> new IQ4_NLTensor(data, rows, cols, vectorized);
            case IQ4_XS -> new IQ4_XSTensor(data, rows, cols, vectorized);
            default -> throw new ModelFormatException("weight type " + type + " is not supported yet (supported: "
                    + SUPPORTED + ")");
        };
    }

    /** The weight types {@link #of} accepts. */
    public static final List<GgmlType> SUPPORTED =
            List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0,
                    GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K,
                    GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS);

    public final int rows() {
        return rows;
    }

    public final int cols() {
        return cols;
    }

    /** Whether {@link #dot} and {@link #matmul} use the vector kernels. */
    public final boolean vectorized() {
        return vectorized;
    }

    /** The same weights with the other kernel choice (shares the memory). */
    public abstract WeightTensor withVectorized(boolean vectorized);

    /**
     * Allocates what {@link #prepare} fills (a type with an integer kernel: its repacked copy), so that a model can
     * allocate its matrices' memory one matrix after another, then prepare them on several threads. Optional.
     */
    public void reserve() {
    }

    /**
     * Does now what this tensor would otherwise do at its first matmul: a type with an integer kernel repacks its
     * rows ({@link IntegerKernelTensor}); the others have nothing to prepare. Safe to call from several threads.
     */
    public void prepare() {
    }

    /** Dot product of row {@code row} with {@code x[xOff .. xOff + cols)}. */
    public final float dot(int row, float[] x, int xOff) {
        return vectorized ? dotVector(row, x, xOff) : dotScalar(row, x, xOff);
    }

    /** The reference dot product: plain scalar code, written to be obviously right. */
    public abstract float dotScalar(int row, float[] x, int xOff);

    /** The Vector API dot product (single activation vector). */
    public abstract float dotVector(int row, float[] x, int xOff);

    /**
     * Writes the {@code cols} float values of row {@code row} to {@code out[outOff ..]} with vector code:
     * bit-identical to {@link #dequantizeRow}, and the values {@link #dotVector} multiplies.
     */
    public abstract void decodeRowVector(int row, float[] out, int outOff);

    /** Writes the {@code cols} float values of row {@code row} to {@code out[outOff ..]}. */
    public abstract void dequantizeRow(int row, float[] out, int outOff);

    /**
     * {@code out[t * outStride + r] = dot(r, x[t * xStride ..])} for rows {@code [rowFrom, rowTo)} and
     * tokens {@code [0, n)}, on the calling thread. Each row's result depends only on the row and the
     * token's activations, never on {@code n}, the row range or the tiling.
     */
    public final void matmul(int rowFrom, int rowTo, float[] x, int xStride, int n, float[] out, int outStride) {
        Objects.checkFromToIndex(rowFrom, rowTo, rows);
        if (n <= 0 || rowFrom == rowTo) {
            return;
        }
        Objects.checkFromIndexSize(0, (long) (n - 1) * xStride + cols, x.length);
        Objects.checkFromIndexSize(0, (long) (n - 1) * outStride + rowTo, out.length);
        if (!vectorized) {
            for (int t = 0; t < n; t++) {
                int xo = t * xStride;
                int oo = t * outStride;
                for (int r = rowFrom; r < rowTo; r++) {
                    out[oo + r] = dotScalar(r, x, xo);
                }
            }
            return;
        }
        matmulVector(rowFrom, rowTo, x, xStride, n, out, outStride);
    }

    /**
     * {@link #matmul} over the rows worker {@code worker} claims from {@code claims} until none are left; the
     * threads of one job call it together, each with its own index. A type whose matmul prepares the tokens first
     * (quantized activations) overrides it to prepare them once per thread, not once per claim.
     */
    public void matmulClaimed(RowClaims claims, int worker, float[] x, int xStride, int n, float[] out, int outStride) {
        for (long c; (c = claims.next(worker)) >= 0; ) {
            matmul(RowClaims.from(c), RowClaims.to(c), x, xStride, n, out, outStride);
        }
    }

    /**
     * {@link #matmul}'s vector path (arguments checked): one token runs {@link #dotVector} per row; several
     * dequantize a tile of rows once and multiply it with every group of four tokens ({@link Gemm}). A type
     * with its own matrix kernel overrides this, keeping each row's result independent of {@code n} and the
     * row range.
     */
    protected void matmulVector(int rowFrom, int rowTo, float[] x, int xStride, int n, float[] out, int outStride) {
        if (n == 1) {
            for (int r = rowFrom; r < rowTo; r++) {
                out[r] = dotVector(r, x, 0);
            }
            return;
        }
        // Several tokens: dequantize a tile of rows once, then multiply it with every group of four tokens.
        // Each weight byte is read from memory and decoded once per matmul.
        int tileRows = Math.min(rowTo - rowFrom, Math.max(4, TILE_FLOATS / cols & ~3));
        Gemm.Scratch scratch = Gemm.Scratch.get();
        // both buffers start on a cache line (LineAlignment; a line's worth of floats of slack)
        float[] w = scratch.tile(tileRows * cols + 16);
        float[] tmp = scratch.tmp;
        int groups = n / 4;
        float[] panels = scratch.panels(groups * 4 * cols + 16);
        int tb = LineAlignment.skip(w);
        int pb = LineAlignment.skip(panels);
        for (int g = 0; g < groups; g++) {
            Gemm.pack4(x, 4 * g * xStride, xStride, cols, panels, pb + 4 * g * cols);
        }
        for (int r0 = rowFrom; r0 < rowTo; r0 += tileRows) {
            int r1 = Math.min(rowTo, r0 + tileRows);
            for (int r = r0; r < r1; r++) {
                decodeRowVector(r, w, tb + (r - r0) * cols);
            }
            for (int g = 0; g < groups; g++) {
                int p = pb + 4 * g * cols;
                int o = 4 * g * outStride;
                int r = r0;
                for (; r + 4 <= r1; r += 4) {
                    Gemm.kernel4x4(w, tb + (r - r0) * cols, cols, panels, p, out, o + r, outStride, tmp);
                }
                for (; r < r1; r++) {
                    Gemm.kernel1x4(w, tb + (r - r0) * cols, cols, panels, p, out, o + r, outStride, tmp);
                }
            }
            for (int t = 4 * groups; t < n; t++) {
                int x0 = t * xStride;
                int o = t * outStride;
                int r = r0;
                for (; r + 4 <= r1; r += 4) {
                    Gemm.kernel4x1(w, tb + (r - r0) * cols, cols, x, x0, out, o + r, tmp);
                }
                for (; r < r1; r++) {
                    out[o + r] = Gemm.kernel1x1(w, tb + (r - r0) * cols, cols, x, x0, tmp);
                }
            }
        }
    }

    /** All rows, one token: {@code out[r] = dot(r, x)}. */
    public final void matvec(float[] x, float[] out) {
        matmul(0, rows, x, cols, 1, out, rows);
    }

    /** Bytes of one row in the file layout. */
    public final long rowBytes() {
        return rowBytes;
    }

    protected final void checkRow(int row) {
        Objects.checkIndex(row, rows);
    }

    @Override
    public String toString() {
        return typeName() + "[" + rows + "x" + cols + (vectorized ? ", vector" : ", scalar") + "]";
    }
}
