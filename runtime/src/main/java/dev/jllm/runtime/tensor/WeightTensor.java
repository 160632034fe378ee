package dev.jllm.runtime.tensor;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;

/**
 * A 2-D weight matrix kept in its file layout (a {@link MemorySegment} slice of the model mapping):
 * {@code rows} rows of {@code cols} elements, each row stored contiguously as GGUF stores it.
 *
 * <p>Each weight type is one subclass holding three kernels that must agree: a scalar {@link #dotScalar}
 * (the oracle, also the default when {@code jllm.vector.bits=0}), a single-token {@link #dotVector} and
 * a four-token {@link #dotVector4} that decodes each weight block once for four activation vectors.
 * The four-token kernel performs, per token, exactly the operations of the single-token one, so a
 * row's result is bit-identical whether the token was evaluated alone or inside a batch.
 *
 * <p>Adding a weight type means one new subclass (usually of {@link DecodingTensor}) and one line in {@link #of}.
 */
public abstract sealed class WeightTensor permits F32Tensor, F16Tensor, BF16Tensor, Q8_0Tensor, Q4_0Tensor, DecodingTensor {

    /** Bytes of weights one matmul tile keeps hot in cache while several token groups stream over it. */
    private static final long TILE_BYTES = 128 * 1024;

    protected final MemorySegment data;
    protected final int rows;
    protected final int cols;
    protected final long rowBytes;
    private final boolean vectorized;

    protected WeightTensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        // type() returns a constant, so calling it from the constructor is safe.
        int blockSize = type().blockSize();
        int blockBytes = type().typeSize();
        this.data = Objects.requireNonNull(data, "data");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(type() + " tensor needs positive dimensions, got " + rows + "x" + cols);
        }
        if (cols % blockSize != 0) {
            throw new IllegalArgumentException(type() + " rows must be a multiple of " + blockSize
                    + " elements, got " + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = (long) (cols / blockSize) * blockBytes;
        long needed = rowBytes * rows;
        if (data.byteSize() < needed) {
            throw new IllegalArgumentException(type() + " tensor " + rows + "x" + cols + " needs " + needed
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
            case F32 -> new F32Tensor(data, rows, cols, vectorized);
            case F16 -> new F16Tensor(data, rows, cols, vectorized);
            case BF16 -> new BF16Tensor(data, rows, cols, vectorized);
            case Q8_0 -> new Q8_0Tensor(data, rows, cols, vectorized);
            case Q4_0 -> new Q4_0Tensor(data, rows, cols, vectorized);
            case Q4_1 -> new Q4_1Tensor(data, rows, cols, vectorized);
            case Q5_0 -> new Q5_0Tensor(data, rows, cols, vectorized);
            case Q5_1 -> new Q5_1Tensor(data, rows, cols, vectorized);
            case Q4_K -> new Q4_KTensor(data, rows, cols, vectorized);
            case Q5_K -> new Q5_KTensor(data, rows, cols, vectorized);
            case Q6_K -> new Q6_KTensor(data, rows, cols, vectorized);
            default -> throw new ModelFormatException("weight type " + type + " is not supported yet (supported: "
                    + SUPPORTED + ")");
        };
    }

    /** The weight types {@link #of} accepts. */
    public static final List<GgmlType> SUPPORTED =
            List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0,
                    GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K);

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

    /** Dot product of row {@code row} with {@code x[xOff .. xOff + cols)}. */
    public final float dot(int row, float[] x, int xOff) {
        return vectorized ? dotVector(row, x, xOff) : dotScalar(row, x, xOff);
    }

    /** The reference dot product: plain scalar code, written to be obviously right. */
    public abstract float dotScalar(int row, float[] x, int xOff);

    /** The Vector API dot product (single activation vector). */
    public abstract float dotVector(int row, float[] x, int xOff);

    /**
     * Four dot products of row {@code row} with the activation vectors at {@code x0..x3}, stored at
     * {@code out[o0..o3]}. Offsets may repeat (a repeated token writes the same value twice).
     */
    public abstract void dotVector4(int row, float[] x, int x0, int x1, int x2, int x3,
                                    float[] out, int o0, int o1, int o2, int o3);

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
        if (n == 1) {
            for (int r = rowFrom; r < rowTo; r++) {
                out[r] = dotVector(r, x, 0);
            }
            return;
        }
        // Tile rows so that a tile of weights stays in cache while every group of four tokens passes over it:
        // each weight byte comes from memory once per matmul and is decoded once per four tokens.
        int tileRows = (int) Math.max(1, Math.min(rowTo - rowFrom, TILE_BYTES / rowBytes));
        for (int r0 = rowFrom; r0 < rowTo; r0 += tileRows) {
            int r1 = Math.min(rowTo, r0 + tileRows);
            int t = 0;
            for (; t + 1 < n; t += 4) {
                int t1 = t + 1;
                int t2 = Math.min(t + 2, n - 1);
                int t3 = Math.min(t + 3, n - 1);
                int x0 = t * xStride, x1 = t1 * xStride, x2 = t2 * xStride, x3 = t3 * xStride;
                int o0 = t * outStride, o1 = t1 * outStride, o2 = t2 * outStride, o3 = t3 * outStride;
                for (int r = r0; r < r1; r++) {
                    dotVector4(r, x, x0, x1, x2, x3, out, o0 + r, o1 + r, o2 + r, o3 + r);
                }
            }
            if (t < n) {
                int xo = t * xStride;
                int oo = t * outStride;
                for (int r = r0; r < r1; r++) {
                    out[oo + r] = dotVector(r, x, xo);
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
