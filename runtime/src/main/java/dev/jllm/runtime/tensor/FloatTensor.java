package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.L;
import static dev.jllm.runtime.tensor.Simd.S_HALF;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Unquantized weights, any row length: GGML F32 (little-endian IEEE floats), F16 (IEEE half floats) or BF16
 * (the top 16 bits of a float). One class for the three because only the element load differs; the width is a
 * final field: the single-token dot has one loop per width, the cold paths test it per load in {@link #w} (a
 * virtual element load per type would box the vector whenever a call site saw more than two types).
 */
public final class FloatTensor extends WeightTensor {

    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final GgmlType type;
    private final boolean f32;
    private final boolean bf16;
    /**
     * F16 only: per row, 0 not yet looked at, 1 every half finite, 2 an infinity or NaN somewhere (only a damaged
     * file). Filled on a row's first single-token use; a race writes the same value twice.
     */
    private final byte[] rowHalves;

    public FloatTensor(GgmlType type, MemorySegment data, int rows, int cols, boolean vectorized) {
        super(checked(type), data, rows, cols, vectorized);
        this.type = type;
        this.f32 = type == GgmlType.F32;
        this.bf16 = type == GgmlType.BF16;
        this.rowHalves = type == GgmlType.F16 ? new byte[rows] : null;
    }

    private static GgmlType checked(GgmlType type) {
        if (type != GgmlType.F32 && type != GgmlType.F16 && type != GgmlType.BF16) {
            throw new IllegalArgumentException("FloatTensor holds F32, F16 or BF16, not " + type);
        }
        return type;
    }

    @Override
    public GgmlType type() {
        return type;
    }

    @Override
    public FloatTensor withVectorized(boolean vectorized) {
        return new FloatTensor(type, data, rows, cols, vectorized);
    }

    /** Element {@code i} of the row starting at byte {@code base}. */
    private float scalar(long base, int i) {
        if (f32) {
            return data.get(FLOAT_LE, base + 4L * i);
        }
        short h = data.get(SHORT_LE, base + 2L * i);
        return bf16 ? Float.intBitsToFloat(h << 16) : Float.float16ToFloat(h);
    }

    private ShortVector halves(long base, int i) {
        return ShortVector.fromMemorySegment(S_HALF, data, base + 2L * i, LE);
    }

    /** Elements {@code [i, i + L)} of the row starting at byte {@code base}. */
    private FloatVector w(long base, int i) {
        if (f32) {
            return FloatVector.fromMemorySegment(F, data, base + 4L * i, LE);
        }
        ShortVector h = ShortVector.fromMemorySegment(S_HALF, data, base + 2L * i, LE);
        return bf16 ? Simd.bf16ToFloat(h) : Simd.halfToFloat(h);
    }

    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        float sum = 0f;
        for (int i = 0; i < cols; i++) {
            sum += scalar(base, i) * x[xOff + i];
        }
        return sum;
    }

    // Vector layout: the operation order of WeightTensor (one accumulator, fixed-order lane fold, then a scalar
    // fma tail of under L elements).

    @Override
    public float dotVector(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        FloatVector a = FloatVector.zero(F);
        int i = 0;
        int bound = F.loopBound(cols);
        // one loop per width, so the hot loop has no type test in it
        if (f32) {
            for (; i < bound; i += L) {
                a = FloatVector.fromMemorySegment(F, data, base + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOff + i), a);
            }
        } else if (bf16) {
            for (; i < bound; i += L) {
                a = Simd.bf16ToFloat(halves(base, i)).fma(FloatVector.fromArray(F, x, xOff + i), a);
            }
        } else {
            for (; i < bound; i += L) {
                a = Simd.halfToFloat(halves(base, i)).fma(FloatVector.fromArray(F, x, xOff + i), a);
            }
        }
        a = a.add(a.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a = a.add(a.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a = a.add(a.rearrange(Simd.FOLD2));
        float sum = a.add(a.rearrange(Simd.FOLD1)).lane(0);
        for (; i < cols; i++) {
            sum = Math.fma(scalar(base, i), x[xOff + i], sum);
        }
        return sum;
    }

    /**
     * 16-bit values of a row tile: 256 KB, as the float tile ({@link WeightTensor}), kept in L2 while every group
     * of four tokens passes over it.
     */
    private static final int HALF_TILE = 128 * 1024;

    /**
     * F16 and BF16 with several tokens: the rows' 16-bit values copied as they are into the tile and converted
     * inside the 4 x 4 block ({@link Gemm#kernel4x4Halves}, {@link Gemm#kernel4x4Bf16}) instead of decoded to a float
     * tile first (F16, one thread, 5632 x 2048 x 128 tokens: 59-63 G multiply-adds/s against 51-56), an F16 half's
     * 2^112 scale carried by the packed tokens. Rows past the last four and tokens past the last four take the
     * single-token dot; an F16 tile holding an infinity or NaN (only a damaged file), or tokens with an activation of
     * 2^16 or more, take the float tile's path. One F16 token takes {@link #dotScaled} (the token scaled once per
     * call). The same operation order everywhere, so the same bits as {@link #dotVector}.
     */
    @Override
    protected void matmulVector(int rowFrom, int rowTo, float[] x, int xStride, int n, float[] out, int outStride) {
        if (n == 1 && rowHalves != null && cols % L == 0) {
            // the scaled token starts on a cache line (LineAlignment; a line's worth of floats of slack)
            float[] scaled = Gemm.Scratch.get().token(cols + 16);
            int s0 = LineAlignment.skip(scaled);
            if (Gemm.scaleForHalves(x, 0, scaled, s0, cols)) {
                for (int r = rowFrom; r < rowTo; r++) {
                    out[r] = finiteRow(r) ? dotScaled(r, scaled, s0) : dotVector(r, x, 0);
                }
                return;
            }
        }
        if (f32 || n < 4 || cols % L != 0) {
            super.matmulVector(rowFrom, rowTo, x, xStride, n, out, outStride);
            return;
        }
        int tileRows = Math.min(rowTo - rowFrom, Math.max(4, HALF_TILE / cols & ~3));
        Gemm.Scratch scratch = Gemm.Scratch.get();
        // both buffers start on a cache line (LineAlignment; a line's worth of elements of slack)
        short[] tile = scratch.halfTile(tileRows * cols + 32);
        float[] tmp = scratch.tmp;
        int groups = n / 4;
        float[] panels = scratch.panels(groups * 4 * cols + 16);
        int tb = LineAlignment.skip(tile);
        int pb = LineAlignment.skip(panels);
        for (int g = 0; g < groups; g++) {
            if (bf16) {
                Gemm.pack4(x, 4 * g * xStride, xStride, cols, panels, pb + 4 * g * cols);
            } else if (!Gemm.pack4Scaled(x, 4 * g * xStride, xStride, cols, panels, pb + 4 * g * cols)) {
                // an activation of 2^16 or more would overflow the panel's 2^112 scale
                super.matmulVector(rowFrom, rowTo, x, xStride, n, out, outStride);
                return;
            }
        }
        for (int r0 = rowFrom; r0 < rowTo; r0 += tileRows) {
            int r1 = Math.min(rowTo, r0 + tileRows);
            int fours = (r1 - r0) & ~3;
            MemorySegment.copy(data, SHORT_LE, r0 * rowBytes, tile, tb, fours * cols);
            if (!bf16 && !Gemm.finiteHalves(tile, tb, fours * cols)) {
                super.matmulVector(r0, r1, x, xStride, n, out, outStride);
                continue;
            }
            for (int g = 0; g < groups; g++) {
                int p = pb + 4 * g * cols;
                int o = 4 * g * outStride;
                for (int r = r0; r < r0 + fours; r += 4) {
                    if (bf16) {
                        Gemm.kernel4x4Bf16(tile, tb + (r - r0) * cols, cols, panels, p, out, o + r, outStride, tmp);
                    } else {
                        Gemm.kernel4x4Halves(tile, tb + (r - r0) * cols, cols, panels, p, out, o + r, outStride, tmp);
                    }
                }
            }
            for (int t = 0; t < n; t++) {
                for (int r = t < 4 * groups ? r0 + fours : r0; r < r1; r++) {
                    out[t * outStride + r] = dotVector(r, x, t * xStride);
                }
            }
        }
    }

    /** Whether F16 row {@code r} holds only finite halves (looked at once, then remembered). */
    private boolean finiteRow(int r) {
        byte state = rowHalves[r];
        if (state == 0) {
            long base = r * rowBytes;
            state = 1;
            for (int i = 0; i < cols; i += L) {
                if (halves(base, i).and((short) 0x7C00).compare(VectorOperators.EQ, (short) 0x7C00).anyTrue()) {
                    state = 2;
                    break;
                }
            }
            rowHalves[r] = state;
        }
        return state == 1;
    }

    /**
     * {@link #dotVector} of a finite F16 row ({@code cols} a multiple of {@link Simd#L}) with a token scaled by
     * {@link Gemm#scaleForHalves} (times 2^112, at {@code scaled[s0 ..]}): each half's bits, sign-extended, shifted and
     * masked, are the float {@code h * 2^-112} exactly, so every product and fused multiply-add is
     * {@link #dotVector}'s, with two integer operations per vector instead of {@link Simd#halfToFloat}'s eight and its
     * branch (tl-F16 decoding in one process 1.17x on two threads, 1.21x on one). The same accumulator, fold and
     * bits.
     */
    private float dotScaled(int row, float[] scaled, int s0) {
        long base = row * rowBytes;
        FloatVector a = FloatVector.zero(F);
        for (int i = 0; i < cols; i += L) {
            a = ((IntVector) halves(base, i).castShape(Simd.I, 0)).lanewise(VectorOperators.LSHL, 13)
                    .and(0x8FFFE000).reinterpretAsFloats().fma(FloatVector.fromArray(F, scaled, s0 + i), a);
        }
        a = a.add(a.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a = a.add(a.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a = a.add(a.rearrange(Simd.FOLD2));
        return a.add(a.rearrange(Simd.FOLD1)).lane(0);
    }

    @Override
    public void decodeRowVector(int row, float[] out, int outOff) {
        checkRow(row);
        long base = row * rowBytes;
        int i = 0;
        for (int bound = F.loopBound(cols); i < bound; i += L) {
            w(base, i).intoArray(out, outOff + i);
        }
        for (; i < cols; i++) {
            out[outOff + i] = scalar(base, i);
        }
    }

    @Override
    public void dequantizeRow(int row, float[] out, int outOff) {
        checkRow(row);
        long base = row * rowBytes;
        if (f32) {
            MemorySegment.copy(data, FLOAT_LE, base, out, outOff, cols);
            return;
        }
        for (int i = 0; i < cols; i++) {
            out[outOff + i] = scalar(base, i);
        }
    }
}
