package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.I;
import static dev.jllm.runtime.tensor.Simd.L;
import static dev.jllm.runtime.tensor.Simd.S_HALF;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked products of dequantized weight rows (floats in a buffer) with several tokens' activations:
 * the matrix x matrix half of {@link WeightTensor#matmul}, used whenever more than one token is evaluated.
 *
 * <p>Every kernel computes each (row, token) dot product with the one operation order all weight types share
 * (see {@link WeightTensor}): the vector chunks of {@code L} elements are fused-multiply-added in order into one
 * accumulator, whose lanes are folded in the fixed order of {@link Simd}, then the {@code cols % L} tail elements
 * are fused in one at a time. So a row's result does not depend on which kernel ran it, nor on how many tokens
 * were evaluated together. One accumulator per (row, token) lets a 4 x 4 block keep 16 accumulators in
 * registers and load one vector per two fused multiply-adds (measured: 92% of the FMA peak of a Zen 4 core,
 * against 60% for 2 x 4 blocks with two accumulators each; a Zen 5 core, with twice the FMA rate, runs it at 54-76%,
 * bound by its loads, which is why the callers start the tile and panels on a cache line: {@link LineAlignment}).
 *
 * <p>With 16 lanes the 4 x 4 kernels fold their 16 accumulators as one tree of two-vector shuffles
 * ({@code selectFrom(v1, v2)}: each level adds, per accumulator, the same pairs of partial sums as
 * {@link #foldLanes}, two to eight accumulators per vector) instead of one by one: the same sums, a quarter of the
 * operations (tl-F16 prompts 1.08-1.09x in one process, one and two threads).
 *
 * <p>The kernels keep their accumulators in named locals (C2 keeps them in registers; arrays of vectors would
 * live in memory) and never pass vectors to calls (a call C2 does not inline boxes them).
 */
final class Gemm {

    private Gemm() {}

    /**
     * Per-thread buffers of the matrix x matrix path (the dequantized row tile, the packed token panels, the
     * lane-fold scratch), kept between calls: a prompt's matmuls would otherwise allocate megabytes each, which
     * sends the arrays straight to the old generation of some collectors and measurably stalled prompts.
     * The pool's threads are persistent, so each keeps one set, grown to the largest matmul it has run.
     */
    static final class Scratch {
        private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

        private float[] tile = new float[0];
        private short[] halfTile = new short[0];
        private float[] token = new float[0];
        private float[] panels = new float[0];
        final float[] tmp = new float[16 * L];

        static Scratch get() {
            return CURRENT.get();
        }

        /** A buffer of at least {@code size} floats for the row tile (contents undefined). */
        float[] tile(int size) {
            if (tile.length < size) {
                tile = new float[size];
            }
            return tile;
        }

        /** A buffer of at least {@code size} shorts for a row tile of F16 bits (contents undefined). */
        short[] halfTile(int size) {
            if (halfTile.length < size) {
                halfTile = new short[size];
            }
            return halfTile;
        }

        /** A buffer of at least {@code size} floats for one scaled token ({@link #scaleForHalves}; contents undefined). */
        float[] token(int size) {
            if (token.length < size) {
                token = new float[size];
            }
            return token;
        }

        /** A buffer of at least {@code size} floats for the packed panels (contents undefined). */
        float[] panels(int size) {
            if (panels.length < size) {
                panels = new float[size];
            }
            return panels;
        }
    }

    /**
     * Packs four tokens' activations ({@code x[x0 + t * xs ..]}, {@code t < 4}) into the panel layout the
     * four-token kernels read with one pointer: chunk {@code c} of token {@code t} at
     * {@code xp[p + c * 4L + t * L ..]}, then the {@code cols % L} tail elements of token {@code t} at
     * {@code xp[p + chunks * 4L + t * (cols % L) ..]}.
     */
    static void pack4(float[] x, int x0, int xs, int cols, float[] xp, int p) {
        int chunks = cols / L;
        for (int c = 0; c < chunks; c++) {
            for (int t = 0; t < 4; t++) {
                System.arraycopy(x, x0 + t * xs + c * L, xp, p + (c * 4 + t) * L, L);
            }
        }
        int tail = cols - chunks * L;
        for (int t = 0; t < 4; t++) {
            System.arraycopy(x, x0 + t * xs + chunks * L, xp, p + chunks * 4 * L + t * tail, tail);
        }
    }

    /**
     * {@code x[x0 .. x0 + count)} times 2^112 into {@code to[t0 ..]} (in place if they are the same; {@code count} a
     * multiple of {@link Simd#L}): the factor that turns the raw bits F16 weights are multiplied as
     * ({@code FloatTensor}'s single-token dot, {@link #kernel4x4Halves}) into the halves' values, exact while the
     * product stays finite. False (the result unusable) if some activation is 2^16 or more in magnitude, or NaN.
     */
    static boolean scaleForHalves(float[] x, int x0, float[] to, int t0, int count) {
        for (int c = 0; c < count; c += L) {
            FloatVector v = FloatVector.fromArray(F, x, x0 + c);
            if (!v.abs().compare(VectorOperators.LT, 0x1p16f).allTrue()) {
                return false;
            }
            v.mul(0x1p112f).intoArray(to, t0 + c);
        }
        return true;
    }

    /** {@link #pack4} for {@link #kernel4x4Halves}, the panel then scaled ({@link #scaleForHalves}). */
    static boolean pack4Scaled(float[] x, int x0, int xs, int cols, float[] xp, int p) {
        pack4(x, x0, xs, cols, xp, p);
        return scaleForHalves(xp, p, xp, p, 4 * cols);
    }

    /**
     * Four weight rows ({@code w[w0 + r * cols ..]}, {@code r < 4}) times four tokens packed by {@link #pack4} at
     * {@code xp[p ..]}: {@code out[o + t * os + r]}.
     */
    static void kernel4x4(float[] w, int w0, int cols, float[] xp, int p, float[] out, int o, int os, float[] tmp) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00,
                a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
        int bound = cols / L * L;
        for (int i = 0; i < bound; i += L) {
            FloatVector v0 = FloatVector.fromArray(F, w, w0 + i), v1 = FloatVector.fromArray(F, w, w1 + i);
            FloatVector v2 = FloatVector.fromArray(F, w, w2 + i), v3 = FloatVector.fromArray(F, w, w3 + i);
            int q = p + 4 * i;
            FloatVector x = FloatVector.fromArray(F, xp, q);
            a00 = v0.fma(x, a00);
            a10 = v1.fma(x, a10);
            a20 = v2.fma(x, a20);
            a30 = v3.fma(x, a30);
            x = FloatVector.fromArray(F, xp, q + L);
            a01 = v0.fma(x, a01);
            a11 = v1.fma(x, a11);
            a21 = v2.fma(x, a21);
            a31 = v3.fma(x, a31);
            x = FloatVector.fromArray(F, xp, q + 2 * L);
            a02 = v0.fma(x, a02);
            a12 = v1.fma(x, a12);
            a22 = v2.fma(x, a22);
            a32 = v3.fma(x, a32);
            x = FloatVector.fromArray(F, xp, q + 3 * L);
            a03 = v0.fma(x, a03);
            a13 = v1.fma(x, a13);
            a23 = v2.fma(x, a23);
            a33 = v3.fma(x, a33);
        }
        int tail = cols - bound;
        int tp = p + 4 * bound;
        if (L == 16) {
            // the 16 lane folds as one tree (see kernel4x4Halves), then each result's tail
            FloatVector x0 = LO1.selectFrom(a00, a01).add(HI1.selectFrom(a00, a01));
            FloatVector x1 = LO1.selectFrom(a02, a03).add(HI1.selectFrom(a02, a03));
            FloatVector x2 = LO1.selectFrom(a10, a11).add(HI1.selectFrom(a10, a11));
            FloatVector x3 = LO1.selectFrom(a12, a13).add(HI1.selectFrom(a12, a13));
            FloatVector x4 = LO1.selectFrom(a20, a21).add(HI1.selectFrom(a20, a21));
            FloatVector x5 = LO1.selectFrom(a22, a23).add(HI1.selectFrom(a22, a23));
            FloatVector x6 = LO1.selectFrom(a30, a31).add(HI1.selectFrom(a30, a31));
            FloatVector x7 = LO1.selectFrom(a32, a33).add(HI1.selectFrom(a32, a33));
            FloatVector z0 = LO2.selectFrom(x0, x1).add(HI2.selectFrom(x0, x1));
            FloatVector z1 = LO2.selectFrom(x2, x3).add(HI2.selectFrom(x2, x3));
            FloatVector z2 = LO2.selectFrom(x4, x5).add(HI2.selectFrom(x4, x5));
            FloatVector z3 = LO2.selectFrom(x6, x7).add(HI2.selectFrom(x6, x7));
            FloatVector v0 = LO3.selectFrom(z0, z1).add(HI3.selectFrom(z0, z1));
            FloatVector v1 = LO3.selectFrom(z2, z3).add(HI3.selectFrom(z2, z3));
            LO4.selectFrom(v0, v1).add(HI4.selectFrom(v0, v1)).intoArray(tmp, 0);
            for (int k = 0; k < 16; k++) {
                int a = TREE_OWNER[k];
                int r = a >> 2;
                int t = a & 3;
                out[o + t * os + r] = tail(tmp[k], w, w0 + r * cols + bound, xp, tp + t * tail, tail);
            }
            return;
        }
        a00.intoArray(tmp, 0);
        a01.intoArray(tmp, L);
        a02.intoArray(tmp, 2 * L);
        a03.intoArray(tmp, 3 * L);
        a10.intoArray(tmp, 4 * L);
        a11.intoArray(tmp, 5 * L);
        a12.intoArray(tmp, 6 * L);
        a13.intoArray(tmp, 7 * L);
        a20.intoArray(tmp, 8 * L);
        a21.intoArray(tmp, 9 * L);
        a22.intoArray(tmp, 10 * L);
        a23.intoArray(tmp, 11 * L);
        a30.intoArray(tmp, 12 * L);
        a31.intoArray(tmp, 13 * L);
        a32.intoArray(tmp, 14 * L);
        a33.intoArray(tmp, 15 * L);
        for (int r = 0; r < 4; r++) {
            int wr = w0 + r * cols + bound;
            for (int t = 0; t < 4; t++) {
                out[o + t * os + r] = tail(foldLanes(tmp, (4 * r + t) * L), w, wr, xp, tp + t * tail, tail);
            }
        }
    }

    // Index vectors of the fold tree (two-vector selectFrom: 0 .. 15 the first vector's lanes, 16 .. 31 the
    // second's). Level 1: lanes i and i + 8 of two accumulators; level 2: i and i + 4 of each half's eight;
    // level 3: i and i + 2 of each quarter's four; level 4: the even and odd lanes.
    private static final FloatVector LO1 = indexes(k -> k < 8 ? k : k + 8);
    private static final FloatVector HI1 = indexes(k -> k < 8 ? k + 8 : k + 16);
    private static final FloatVector LO2 = indexes(k -> (k & 4) == 0 ? (k & 8) + (k & 3) : 16 + (k & 8) + (k & 3));
    private static final FloatVector HI2 = indexes(k -> (k & 4) == 0 ? (k & 8) + 4 + (k & 3) : 20 + (k & 8) + (k & 3));
    private static final FloatVector LO3 = indexes(k -> (k & 2) == 0 ? (k & 12) + (k & 1) : 16 + (k & 12) + (k & 1));
    private static final FloatVector HI3 = indexes(k -> (k & 2) == 0 ? (k & 12) + 2 + (k & 1) : 18 + (k & 12) + (k & 1));
    private static final FloatVector LO4 = indexes(k -> (k & 1) == 0 ? (k & 14) : 16 + (k & 14));
    private static final FloatVector HI4 = indexes(k -> (k & 1) == 0 ? (k & 14) + 1 : 17 + (k & 14));
    /** Which accumulator ({@code 4 r + t}) the tree's lane k ends with: the shuffles above run on labels. */
    static final int[] TREE_OWNER = treeOwner();

    private static FloatVector indexes(java.util.function.IntUnaryOperator lane) {
        float[] v = new float[L];
        for (int k = 0; k < L; k++) {
            v[k] = L == 16 ? lane.applyAsInt(k) : k;
        }
        return FloatVector.fromArray(F, v, 0);
    }

    private static int[] treeOwner() {
        if (L != 16) {
            return new int[0]; // the kernels fold accumulator by accumulator at other widths
        }
        int[][] level = new int[16][16];
        for (int a = 0; a < 16; a++) {
            java.util.Arrays.fill(level[a], a);
        }
        FloatVector[] lo = {LO1, LO2, LO3, LO4};
        FloatVector[] hi = {HI1, HI2, HI3, HI4};
        for (int step = 0; step < 4; step++) {
            float[] l = lo[step].toArray();
            float[] h = hi[step].toArray();
            int[][] next = new int[level.length / 2][16];
            for (int v = 0; v < next.length; v++) {
                for (int k = 0; k < 16; k++) {
                    int i = (int) l[k];
                    int j = (int) h[k];
                    next[v][k] = i < 16 ? level[2 * v][i] : level[2 * v + 1][i - 16];
                    int other = j < 16 ? level[2 * v][j] : level[2 * v + 1][j - 16];
                    if (other != next[v][k]) {
                        throw new IllegalStateException("fold tree adds lanes of two accumulators at level " + step);
                    }
                }
            }
            level = next;
        }
        return level[0];
    }

    /**
     * {@link #kernel4x4} over F16 weights: four rows of half bits ({@code w[w0 + r * cols ..]}, every one finite,
     * {@code cols} a multiple of {@link Simd#L}) converted as they are loaded, so that the tile holds two bytes per
     * weight instead of four and no decoding pass writes it (the float tile's decode was 13% of an F16 prompt's
     * samples, and its loads what bounded the block). A finite half's bits, sign-extended to an int, shifted so its
     * 15 magnitude bits sit at the top of a float's exponent and mantissa with the sign still at bit 31 and the bits
     * between masked off, are the float {@code h * 2^-112} exactly (normal and subnormal halves alike); the tokens
     * come packed by {@link #pack4Scaled}, times 2^112, so each product, and so each fused multiply-add, is the
     * one of {@link #kernel4x4} over the decoded rows: the same bits, with two integer operations per weight vector.
     */
    static void kernel4x4Halves(short[] w, int w0, int cols, float[] xp, int p, float[] out, int o, int os,
            float[] tmp) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00,
                a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
        for (int i = 0; i < cols; i += L) {
            FloatVector v0 = ((IntVector) ShortVector.fromArray(S_HALF, w, w0 + i).castShape(I, 0))
                    .lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats();
            FloatVector v1 = ((IntVector) ShortVector.fromArray(S_HALF, w, w1 + i).castShape(I, 0))
                    .lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats();
            FloatVector v2 = ((IntVector) ShortVector.fromArray(S_HALF, w, w2 + i).castShape(I, 0))
                    .lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats();
            FloatVector v3 = ((IntVector) ShortVector.fromArray(S_HALF, w, w3 + i).castShape(I, 0))
                    .lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats();
            int q = p + 4 * i;
            FloatVector x = FloatVector.fromArray(F, xp, q);
            a00 = v0.fma(x, a00);
            a10 = v1.fma(x, a10);
            a20 = v2.fma(x, a20);
            a30 = v3.fma(x, a30);
            x = FloatVector.fromArray(F, xp, q + L);
            a01 = v0.fma(x, a01);
            a11 = v1.fma(x, a11);
            a21 = v2.fma(x, a21);
            a31 = v3.fma(x, a31);
            x = FloatVector.fromArray(F, xp, q + 2 * L);
            a02 = v0.fma(x, a02);
            a12 = v1.fma(x, a12);
            a22 = v2.fma(x, a22);
            a32 = v3.fma(x, a32);
            x = FloatVector.fromArray(F, xp, q + 3 * L);
            a03 = v0.fma(x, a03);
            a13 = v1.fma(x, a13);
            a23 = v2.fma(x, a23);
            a33 = v3.fma(x, a33);
        }
        if (L == 16) {
            // the 16 folds as one tree of two-vector shuffles: each level adds, per accumulator, the same pairs of
            // partial sums as foldLanes' steps (lanes i and i + 8, then i + 4, i + 2, i + 1), two to four
            // accumulators per vector; the last vector holds the 16 sums, lane k that of accumulator TREE_OWNER[k]
            FloatVector x0 = LO1.selectFrom(a00, a01).add(HI1.selectFrom(a00, a01));
            FloatVector x1 = LO1.selectFrom(a02, a03).add(HI1.selectFrom(a02, a03));
            FloatVector x2 = LO1.selectFrom(a10, a11).add(HI1.selectFrom(a10, a11));
            FloatVector x3 = LO1.selectFrom(a12, a13).add(HI1.selectFrom(a12, a13));
            FloatVector x4 = LO1.selectFrom(a20, a21).add(HI1.selectFrom(a20, a21));
            FloatVector x5 = LO1.selectFrom(a22, a23).add(HI1.selectFrom(a22, a23));
            FloatVector x6 = LO1.selectFrom(a30, a31).add(HI1.selectFrom(a30, a31));
            FloatVector x7 = LO1.selectFrom(a32, a33).add(HI1.selectFrom(a32, a33));
            FloatVector z0 = LO2.selectFrom(x0, x1).add(HI2.selectFrom(x0, x1));
            FloatVector z1 = LO2.selectFrom(x2, x3).add(HI2.selectFrom(x2, x3));
            FloatVector z2 = LO2.selectFrom(x4, x5).add(HI2.selectFrom(x4, x5));
            FloatVector z3 = LO2.selectFrom(x6, x7).add(HI2.selectFrom(x6, x7));
            FloatVector v0 = LO3.selectFrom(z0, z1).add(HI3.selectFrom(z0, z1));
            FloatVector v1 = LO3.selectFrom(z2, z3).add(HI3.selectFrom(z2, z3));
            LO4.selectFrom(v0, v1).add(HI4.selectFrom(v0, v1)).intoArray(tmp, 0);
            for (int k = 0; k < 16; k++) {
                int a = TREE_OWNER[k];
                out[o + (a & 3) * os + (a >> 2)] = tmp[k];
            }
            return;
        }
        a00.intoArray(tmp, 0);
        a01.intoArray(tmp, L);
        a02.intoArray(tmp, 2 * L);
        a03.intoArray(tmp, 3 * L);
        a10.intoArray(tmp, 4 * L);
        a11.intoArray(tmp, 5 * L);
        a12.intoArray(tmp, 6 * L);
        a13.intoArray(tmp, 7 * L);
        a20.intoArray(tmp, 8 * L);
        a21.intoArray(tmp, 9 * L);
        a22.intoArray(tmp, 10 * L);
        a23.intoArray(tmp, 11 * L);
        a30.intoArray(tmp, 12 * L);
        a31.intoArray(tmp, 13 * L);
        a32.intoArray(tmp, 14 * L);
        a33.intoArray(tmp, 15 * L);
        for (int r = 0; r < 4; r++) {
            for (int t = 0; t < 4; t++) {
                out[o + t * os + r] = foldLanes(tmp, (4 * r + t) * L);
            }
        }
    }

    /**
     * {@link #kernel4x4} over BF16 weights: four rows of bfloat16 bits ({@code w[w0 + r * cols ..]}, {@code cols} a
     * multiple of {@link Simd#L}) converted as they are loaded (a bfloat16 is the top half of a float: one shift, any
     * bit pattern), so that the tile holds two bytes per weight and no decoding pass writes it, as
     * {@link #kernel4x4Halves} for F16; the tokens packed by {@link #pack4} as they are. The same bits as
     * {@link #kernel4x4} over the decoded rows.
     */
    static void kernel4x4Bf16(short[] w, int w0, int cols, float[] xp, int p, float[] out, int o, int os,
            float[] tmp) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00,
                a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
        for (int i = 0; i < cols; i += L) {
            FloatVector v0 = ((IntVector) ShortVector.fromArray(S_HALF, w, w0 + i).castShape(I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector v1 = ((IntVector) ShortVector.fromArray(S_HALF, w, w1 + i).castShape(I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector v2 = ((IntVector) ShortVector.fromArray(S_HALF, w, w2 + i).castShape(I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector v3 = ((IntVector) ShortVector.fromArray(S_HALF, w, w3 + i).castShape(I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            int q = p + 4 * i;
            FloatVector x = FloatVector.fromArray(F, xp, q);
            a00 = v0.fma(x, a00);
            a10 = v1.fma(x, a10);
            a20 = v2.fma(x, a20);
            a30 = v3.fma(x, a30);
            x = FloatVector.fromArray(F, xp, q + L);
            a01 = v0.fma(x, a01);
            a11 = v1.fma(x, a11);
            a21 = v2.fma(x, a21);
            a31 = v3.fma(x, a31);
            x = FloatVector.fromArray(F, xp, q + 2 * L);
            a02 = v0.fma(x, a02);
            a12 = v1.fma(x, a12);
            a22 = v2.fma(x, a22);
            a32 = v3.fma(x, a32);
            x = FloatVector.fromArray(F, xp, q + 3 * L);
            a03 = v0.fma(x, a03);
            a13 = v1.fma(x, a13);
            a23 = v2.fma(x, a23);
            a33 = v3.fma(x, a33);
        }
        if (L == 16) {
            // the 16 folds as one tree of two-vector shuffles: each level adds, per accumulator, the same pairs of
            // partial sums as foldLanes' steps (lanes i and i + 8, then i + 4, i + 2, i + 1), two to four
            // accumulators per vector; the last vector holds the 16 sums, lane k that of accumulator TREE_OWNER[k]
            FloatVector x0 = LO1.selectFrom(a00, a01).add(HI1.selectFrom(a00, a01));
            FloatVector x1 = LO1.selectFrom(a02, a03).add(HI1.selectFrom(a02, a03));
            FloatVector x2 = LO1.selectFrom(a10, a11).add(HI1.selectFrom(a10, a11));
            FloatVector x3 = LO1.selectFrom(a12, a13).add(HI1.selectFrom(a12, a13));
            FloatVector x4 = LO1.selectFrom(a20, a21).add(HI1.selectFrom(a20, a21));
            FloatVector x5 = LO1.selectFrom(a22, a23).add(HI1.selectFrom(a22, a23));
            FloatVector x6 = LO1.selectFrom(a30, a31).add(HI1.selectFrom(a30, a31));
            FloatVector x7 = LO1.selectFrom(a32, a33).add(HI1.selectFrom(a32, a33));
            FloatVector z0 = LO2.selectFrom(x0, x1).add(HI2.selectFrom(x0, x1));
            FloatVector z1 = LO2.selectFrom(x2, x3).add(HI2.selectFrom(x2, x3));
            FloatVector z2 = LO2.selectFrom(x4, x5).add(HI2.selectFrom(x4, x5));
            FloatVector z3 = LO2.selectFrom(x6, x7).add(HI2.selectFrom(x6, x7));
            FloatVector v0 = LO3.selectFrom(z0, z1).add(HI3.selectFrom(z0, z1));
            FloatVector v1 = LO3.selectFrom(z2, z3).add(HI3.selectFrom(z2, z3));
            LO4.selectFrom(v0, v1).add(HI4.selectFrom(v0, v1)).intoArray(tmp, 0);
            for (int k = 0; k < 16; k++) {
                int a = TREE_OWNER[k];
                out[o + (a & 3) * os + (a >> 2)] = tmp[k];
            }
            return;
        }
        a00.intoArray(tmp, 0);
        a01.intoArray(tmp, L);
        a02.intoArray(tmp, 2 * L);
        a03.intoArray(tmp, 3 * L);
        a10.intoArray(tmp, 4 * L);
        a11.intoArray(tmp, 5 * L);
        a12.intoArray(tmp, 6 * L);
        a13.intoArray(tmp, 7 * L);
        a20.intoArray(tmp, 8 * L);
        a21.intoArray(tmp, 9 * L);
        a22.intoArray(tmp, 10 * L);
        a23.intoArray(tmp, 11 * L);
        a30.intoArray(tmp, 12 * L);
        a31.intoArray(tmp, 13 * L);
        a32.intoArray(tmp, 14 * L);
        a33.intoArray(tmp, 15 * L);
        for (int r = 0; r < 4; r++) {
            for (int t = 0; t < 4; t++) {
                out[o + t * os + r] = foldLanes(tmp, (4 * r + t) * L);
            }
        }
    }

    /** Whether every half of {@code h[from, from + count)} is finite (no exponent of all ones). */
    static boolean finiteHalves(short[] h, int from, int count) {
        VectorSpecies<Short> s = ShortVector.SPECIES_PREFERRED;
        int i = 0;
        for (int bound = s.loopBound(count); i < bound; i += s.length()) {
            if (ShortVector.fromArray(s, h, from + i).and((short) 0x7C00)
                    .compare(VectorOperators.EQ, (short) 0x7C00).anyTrue()) {
                return false;
            }
        }
        for (; i < count; i++) {
            if ((h[from + i] & 0x7C00) == 0x7C00) {
                return false;
            }
        }
        return true;
    }

    /** One weight row times four tokens packed by {@link #pack4}: {@code out[o + t * os]}. */
    static void kernel1x4(float[] w, int w0, int cols, float[] xp, int p, float[] out, int o, int os, float[] tmp) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int bound = cols / L * L;
        for (int i = 0; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, w, w0 + i);
            int q = p + 4 * i;
            a0 = v.fma(FloatVector.fromArray(F, xp, q), a0);
            a1 = v.fma(FloatVector.fromArray(F, xp, q + L), a1);
            a2 = v.fma(FloatVector.fromArray(F, xp, q + 2 * L), a2);
            a3 = v.fma(FloatVector.fromArray(F, xp, q + 3 * L), a3);
        }
        a0.intoArray(tmp, 0);
        a1.intoArray(tmp, L);
        a2.intoArray(tmp, 2 * L);
        a3.intoArray(tmp, 3 * L);
        int tail = cols - bound;
        int tp = p + 4 * bound;
        for (int t = 0; t < 4; t++) {
            out[o + t * os] = tail(foldLanes(tmp, t * L), w, w0 + bound, xp, tp + t * tail, tail);
        }
    }

    /** Four weight rows ({@code w[w0 + r * cols ..]}) times one token at {@code x[x0 ..]}: {@code out[o + r]}. */
    static void kernel4x1(float[] w, int w0, int cols, float[] x, int x0, float[] out, int o, float[] tmp) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
        int bound = cols / L * L;
        for (int i = 0; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, x0 + i);
            a0 = FloatVector.fromArray(F, w, w0 + i).fma(v, a0);
            a1 = FloatVector.fromArray(F, w, w1 + i).fma(v, a1);
            a2 = FloatVector.fromArray(F, w, w2 + i).fma(v, a2);
            a3 = FloatVector.fromArray(F, w, w3 + i).fma(v, a3);
        }
        a0.intoArray(tmp, 0);
        a1.intoArray(tmp, L);
        a2.intoArray(tmp, 2 * L);
        a3.intoArray(tmp, 3 * L);
        int tail = cols - bound;
        for (int r = 0; r < 4; r++) {
            out[o + r] = tail(foldLanes(tmp, r * L), w, w0 + r * cols + bound, x, x0 + bound, tail);
        }
    }

    /** One weight row times one token. */
    static float kernel1x1(float[] w, int w0, int cols, float[] x, int x0, float[] tmp) {
        FloatVector a = FloatVector.zero(F);
        int bound = cols / L * L;
        for (int i = 0; i < bound; i += L) {
            a = FloatVector.fromArray(F, w, w0 + i).fma(FloatVector.fromArray(F, x, x0 + i), a);
        }
        a.intoArray(tmp, 0);
        return tail(foldLanes(tmp, 0), w, w0 + bound, x, x0 + bound, cols - bound);
    }

    /** The lanes of the vector stored at {@code v[off ..]}, summed in the fixed order of {@link Simd}. */
    static float foldLanes(float[] v, int off) {
        FloatVector a = FloatVector.fromArray(F, v, off);
        a = a.add(a.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a = a.add(a.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a = a.add(a.rearrange(Simd.FOLD2));
        return a.add(a.rearrange(Simd.FOLD1)).lane(0);
    }

    /** {@code sum} with {@code count} products {@code w[w0 + j] * x[x0 + j]} fused in one at a time. */
    static float tail(float sum, float[] w, int w0, float[] x, int x0, int count) {
        for (int j = 0; j < count; j++) {
            sum = Math.fma(w[w0 + j], x[x0 + j], sum);
        }
        return sum;
    }
}
