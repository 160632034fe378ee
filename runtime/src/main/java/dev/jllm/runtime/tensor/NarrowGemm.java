package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.PackedRows.G;
import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.I;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The several-token register block of Q4_0 and Q4_K in 16-bit integers: four groups of {@code G} rows times four
 * tokens, sixteen accumulators, over one block (Q4_0) or sub-block (Q4_K) of 32 columns. Each vector holds one group's rows for a pair of columns, row by row
 * ({@code (r, c), (r, c + 1)}: the packed planes' own byte order), and meets a 32-bit broadcast of the token's two
 * activations for those columns, as the single-token kernel does. The weights are Q4_0's {@code q - 8} (-8 .. 7) or
 * Q4_K's {@code q} (0 .. 15) and the activations at most 127 in magnitude, so a lane's 16 products sum to at most
 * {@code 16 * 15 * 127 = 30480}: exact in 16 bits, with no widening inside the block; a row's two lanes are added in
 * 32 bits. A 16-bit multiply and add cover
 * twice the lanes of a float fused multiply-add (measured in one process, one thread, 64 rows x 2048 columns x 128
 * tokens: 118 against 82-85 GMAC/s for a float 4 x 4 block; 108 against 67 over 5632 columns).
 *
 * <p>The sums are the exact integers {@link ExactGemm} computes over the same weights, so the float steps after
 * them (the types' combines) give the same bits on either path.
 */
final class NarrowGemm {

    private NarrowGemm() {}

    /** Shorts per pair of columns of the weights: four groups of {@code G} rows, two columns each. */
    static final int PAIR = 4 * 2 * G;

    /**
     * For tokens {@code u < 4} ({@code x_u}) and groups {@code g < 4}: the exact {@code isum = sum_(c < 32)
     * q(32 j + c, g, r) * x_u(xo + c)}, where the weights are {@code w[(16 j + c / 2) * PAIR + g * 2G + 2 r + c % 2]},
     * times the sub-block's scale {@code sc[scOff + g * G + r]}, added to {@code sumi[(4 u + g) * G + r]} (Q4_K's
     * {@code sumi = sum_j sc_j * isum_j}: integers, exact in any order).
     */
    static void block(short[] w, int j, Q8KActivations x0, Q8KActivations x1, Q8KActivations x2, Q8KActivations x3,
            int xo, int[] sc, int scOff, int[] sumi) {
        ShortVector a00 = ShortVector.zero(PackedRows.S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00,
                a12 = a00, a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00,
                a33 = a00;
        int[] p0 = x0.pairs, p1 = x1.pairs, p2 = x2.pairs, p3 = x3.pairs;
        int half = 2 * G;
        int pi = xo >> 1;
        for (int cp = 0; cp < 16; cp++, pi++) {
            int at = (16 * j + cp) * PAIR;
            ShortVector v0 = ShortVector.fromArray(PackedRows.S, w, at);
            ShortVector v1 = ShortVector.fromArray(PackedRows.S, w, at + half);
            ShortVector v2 = ShortVector.fromArray(PackedRows.S, w, at + 2 * half);
            ShortVector v3 = ShortVector.fromArray(PackedRows.S, w, at + 3 * half);
            ShortVector b = IntVector.broadcast(I, p0[pi]).reinterpretAsShorts();
            a00 = v0.mul(b).add(a00);
            a10 = v1.mul(b).add(a10);
            a20 = v2.mul(b).add(a20);
            a30 = v3.mul(b).add(a30);
            b = IntVector.broadcast(I, p1[pi]).reinterpretAsShorts();
            a01 = v0.mul(b).add(a01);
            a11 = v1.mul(b).add(a11);
            a21 = v2.mul(b).add(a21);
            a31 = v3.mul(b).add(a31);
            b = IntVector.broadcast(I, p2[pi]).reinterpretAsShorts();
            a02 = v0.mul(b).add(a02);
            a12 = v1.mul(b).add(a12);
            a22 = v2.mul(b).add(a22);
            a32 = v3.mul(b).add(a32);
            b = IntVector.broadcast(I, p3[pi]).reinterpretAsShorts();
            a03 = v0.mul(b).add(a03);
            a13 = v1.mul(b).add(a13);
            a23 = v2.mul(b).add(a23);
            a33 = v3.mul(b).add(a33);
        }
        // per accumulator, a row's two lanes (its even and odd columns), sign-extended from the halves of one int,
        // summed in registers and scaled into sumi (written out: a helper taking the accumulators would box them)
        IntVector s0 = IntVector.fromArray(I, sc, scOff);
        IntVector s1 = IntVector.fromArray(I, sc, scOff + G);
        IntVector s2 = IntVector.fromArray(I, sc, scOff + 2 * G);
        IntVector s3 = IntVector.fromArray(I, sc, scOff + 3 * G);
        IntVector p00 = a00.reinterpretAsInts();
        IntVector.fromArray(I, sumi, 0).add(p00.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p00.lanewise(VectorOperators.ASHR, 16)).mul(s0)).intoArray(sumi, 0);
        IntVector p10 = a10.reinterpretAsInts();
        IntVector.fromArray(I, sumi, G).add(p10.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p10.lanewise(VectorOperators.ASHR, 16)).mul(s1)).intoArray(sumi, G);
        IntVector p20 = a20.reinterpretAsInts();
        IntVector.fromArray(I, sumi, 2 * G).add(p20.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p20.lanewise(VectorOperators.ASHR, 16)).mul(s2)).intoArray(sumi, 2 * G);
        IntVector p30 = a30.reinterpretAsInts();
        IntVector.fromArray(I, sumi, 3 * G).add(p30.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p30.lanewise(VectorOperators.ASHR, 16)).mul(s3)).intoArray(sumi, 3 * G);
        IntVector p01 = a01.reinterpretAsInts();
        IntVector.fromArray(I, sumi, 4 * G).add(p01.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p01.lanewise(VectorOperators.ASHR, 16)).mul(s0)).intoArray(sumi, 4 * G);
        IntVector p11 = a11.reinterpretAsInts();
        IntVector.fromArray(I, sumi, 5 * G).add(p11.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p11.lanewise(VectorOperators.ASHR, 16)).mul(s1)).intoArray(sumi, 5 * G);
        IntVector p21 = a21.reinterpretAsInts();
        IntVector.fromArray(I, sumi, 6 * G).add(p21.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p21.lanewise(VectorOperators.ASHR, 16)).mul(s2)).intoArray(sumi, 6 * G);
        IntVector p31 = a31.reinterpretAsInts();
        IntVector.fromArray(I, sumi, 7 * G).add(p31.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p31.lanewise(VectorOperators.ASHR, 16)).mul(s3)).intoArray(sumi, 7 * G);
        IntVector p02 = a02.reinterpretAsInts();
        IntVector.fromArray(I, sumi, 8 * G).add(p02.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p02.lanewise(VectorOperators.ASHR, 16)).mul(s0)).intoArray(sumi, 8 * G);
        IntVector p12 = a12.reinterpretAsInts();
        IntVector.fromArray(I, sumi, 9 * G).add(p12.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p12.lanewise(VectorOperators.ASHR, 16)).mul(s1)).intoArray(sumi, 9 * G);
        IntVector p22 = a22.reinterpretAsInts();
        IntVector.fromArray(I, sumi, 10 * G).add(p22.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p22.lanewise(VectorOperators.ASHR, 16)).mul(s2)).intoArray(sumi, 10 * G);
        IntVector p32 = a32.reinterpretAsInts();
        IntVector.fromArray(I, sumi, 11 * G).add(p32.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p32.lanewise(VectorOperators.ASHR, 16)).mul(s3)).intoArray(sumi, 11 * G);
        IntVector p03 = a03.reinterpretAsInts();
        IntVector.fromArray(I, sumi, 12 * G).add(p03.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p03.lanewise(VectorOperators.ASHR, 16)).mul(s0)).intoArray(sumi, 12 * G);
        IntVector p13 = a13.reinterpretAsInts();
        IntVector.fromArray(I, sumi, 13 * G).add(p13.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p13.lanewise(VectorOperators.ASHR, 16)).mul(s1)).intoArray(sumi, 13 * G);
        IntVector p23 = a23.reinterpretAsInts();
        IntVector.fromArray(I, sumi, 14 * G).add(p23.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p23.lanewise(VectorOperators.ASHR, 16)).mul(s2)).intoArray(sumi, 14 * G);
        IntVector p33 = a33.reinterpretAsInts();
        IntVector.fromArray(I, sumi, 15 * G).add(p33.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p33.lanewise(VectorOperators.ASHR, 16)).mul(s3)).intoArray(sumi, 15 * G);
    }

    /**
     * Q4_0: {@link #block}'s sums added straight into the results, {@code out[(4 (t + u) + g) * G + r] +=
     * (d[dOff + g * G + r] * d32_u(s)) * isum}, {@code d[dOff ..]} holding the four groups' scales of block
     * {@code j}. Those are the float steps of the single-token combine in its order ({@link F16BlockPacked}: its
     * {@code (sum + 8 S) - 8 S} is {@code isum} exactly, every term an integer below 2^24), so the same bits,
     * without the sums' trip through memory. Groups past the matrix's last hold zero weights and scales: their
     * results are zeros, never copied out. (A separate method from {@link #block}, its loop written twice: one
     * method with both endings grew past C2's limits and boxed its vectors, 100x slower.)
     */
    static void blockQ4_0(short[] w, int j, Q8KActivations x0, Q8KActivations x1, Q8KActivations x2, Q8KActivations x3,
            int xo, float[] d, int dOff, int s, float[] out, int t) {
        ShortVector a00 = ShortVector.zero(PackedRows.S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00,
                a12 = a00, a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00,
                a33 = a00;
        int[] p0 = x0.pairs, p1 = x1.pairs, p2 = x2.pairs, p3 = x3.pairs;
        int half = 2 * G;
        int pi = xo >> 1;
        for (int cp = 0; cp < 16; cp++, pi++) {
            int at = (16 * j + cp) * PAIR;
            ShortVector v0 = ShortVector.fromArray(PackedRows.S, w, at);
            ShortVector v1 = ShortVector.fromArray(PackedRows.S, w, at + half);
            ShortVector v2 = ShortVector.fromArray(PackedRows.S, w, at + 2 * half);
            ShortVector v3 = ShortVector.fromArray(PackedRows.S, w, at + 3 * half);
            ShortVector b = IntVector.broadcast(I, p0[pi]).reinterpretAsShorts();
            a00 = v0.mul(b).add(a00);
            a10 = v1.mul(b).add(a10);
            a20 = v2.mul(b).add(a20);
            a30 = v3.mul(b).add(a30);
            b = IntVector.broadcast(I, p1[pi]).reinterpretAsShorts();
            a01 = v0.mul(b).add(a01);
            a11 = v1.mul(b).add(a11);
            a21 = v2.mul(b).add(a21);
            a31 = v3.mul(b).add(a31);
            b = IntVector.broadcast(I, p2[pi]).reinterpretAsShorts();
            a02 = v0.mul(b).add(a02);
            a12 = v1.mul(b).add(a12);
            a22 = v2.mul(b).add(a22);
            a32 = v3.mul(b).add(a32);
            b = IntVector.broadcast(I, p3[pi]).reinterpretAsShorts();
            a03 = v0.mul(b).add(a03);
            a13 = v1.mul(b).add(a13);
            a23 = v2.mul(b).add(a23);
            a33 = v3.mul(b).add(a33);
        }
        // per accumulator: the fold of block(), then combine()'s float steps for a block of 32 columns in its order,
        // out += (d * d32) * isum (F16BlockPacked.combine: the same operations, so the same bits), written out
        // per accumulator (a helper taking them would box them)
        FloatVector d0 = FloatVector.fromArray(F, d, dOff);
        FloatVector d1 = FloatVector.fromArray(F, d, dOff + G);
        FloatVector d2 = FloatVector.fromArray(F, d, dOff + 2 * G);
        FloatVector d3 = FloatVector.fromArray(F, d, dOff + 3 * G);
        float e0 = x0.d32[s];
        float e1 = x1.d32[s];
        float e2 = x2.d32[s];
        float e3 = x3.d32[s];
        IntVector p00 = a00.reinterpretAsInts();
        FloatVector v00 = (FloatVector) p00.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p00.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o00 = (4 * t + 0) * G;
        FloatVector.fromArray(F, out, o00).add(d0.mul(e0).mul(v00)).intoArray(out, o00);
        IntVector p10 = a10.reinterpretAsInts();
        FloatVector v10 = (FloatVector) p10.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p10.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o10 = (4 * t + 1) * G;
        FloatVector.fromArray(F, out, o10).add(d1.mul(e0).mul(v10)).intoArray(out, o10);
        IntVector p20 = a20.reinterpretAsInts();
        FloatVector v20 = (FloatVector) p20.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p20.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o20 = (4 * t + 2) * G;
        FloatVector.fromArray(F, out, o20).add(d2.mul(e0).mul(v20)).intoArray(out, o20);
        IntVector p30 = a30.reinterpretAsInts();
        FloatVector v30 = (FloatVector) p30.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p30.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o30 = (4 * t + 3) * G;
        FloatVector.fromArray(F, out, o30).add(d3.mul(e0).mul(v30)).intoArray(out, o30);
        IntVector p01 = a01.reinterpretAsInts();
        FloatVector v01 = (FloatVector) p01.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p01.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o01 = (4 * (t + 1) + 0) * G;
        FloatVector.fromArray(F, out, o01).add(d0.mul(e1).mul(v01)).intoArray(out, o01);
        IntVector p11 = a11.reinterpretAsInts();
        FloatVector v11 = (FloatVector) p11.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p11.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o11 = (4 * (t + 1) + 1) * G;
        FloatVector.fromArray(F, out, o11).add(d1.mul(e1).mul(v11)).intoArray(out, o11);
        IntVector p21 = a21.reinterpretAsInts();
        FloatVector v21 = (FloatVector) p21.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p21.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o21 = (4 * (t + 1) + 2) * G;
        FloatVector.fromArray(F, out, o21).add(d2.mul(e1).mul(v21)).intoArray(out, o21);
        IntVector p31 = a31.reinterpretAsInts();
        FloatVector v31 = (FloatVector) p31.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p31.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o31 = (4 * (t + 1) + 3) * G;
        FloatVector.fromArray(F, out, o31).add(d3.mul(e1).mul(v31)).intoArray(out, o31);
        IntVector p02 = a02.reinterpretAsInts();
        FloatVector v02 = (FloatVector) p02.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p02.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o02 = (4 * (t + 2) + 0) * G;
        FloatVector.fromArray(F, out, o02).add(d0.mul(e2).mul(v02)).intoArray(out, o02);
        IntVector p12 = a12.reinterpretAsInts();
        FloatVector v12 = (FloatVector) p12.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p12.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o12 = (4 * (t + 2) + 1) * G;
        FloatVector.fromArray(F, out, o12).add(d1.mul(e2).mul(v12)).intoArray(out, o12);
        IntVector p22 = a22.reinterpretAsInts();
        FloatVector v22 = (FloatVector) p22.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p22.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o22 = (4 * (t + 2) + 2) * G;
        FloatVector.fromArray(F, out, o22).add(d2.mul(e2).mul(v22)).intoArray(out, o22);
        IntVector p32 = a32.reinterpretAsInts();
        FloatVector v32 = (FloatVector) p32.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p32.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o32 = (4 * (t + 2) + 3) * G;
        FloatVector.fromArray(F, out, o32).add(d3.mul(e2).mul(v32)).intoArray(out, o32);
        IntVector p03 = a03.reinterpretAsInts();
        FloatVector v03 = (FloatVector) p03.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p03.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o03 = (4 * (t + 3) + 0) * G;
        FloatVector.fromArray(F, out, o03).add(d0.mul(e3).mul(v03)).intoArray(out, o03);
        IntVector p13 = a13.reinterpretAsInts();
        FloatVector v13 = (FloatVector) p13.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p13.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o13 = (4 * (t + 3) + 1) * G;
        FloatVector.fromArray(F, out, o13).add(d1.mul(e3).mul(v13)).intoArray(out, o13);
        IntVector p23 = a23.reinterpretAsInts();
        FloatVector v23 = (FloatVector) p23.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p23.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o23 = (4 * (t + 3) + 2) * G;
        FloatVector.fromArray(F, out, o23).add(d2.mul(e3).mul(v23)).intoArray(out, o23);
        IntVector p33 = a33.reinterpretAsInts();
        FloatVector v33 = (FloatVector) p33.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p33.lanewise(VectorOperators.ASHR, 16)).convertShape(VectorOperators.I2F, F, 0);
        int o33 = (4 * (t + 3) + 3) * G;
        FloatVector.fromArray(F, out, o33).add(d3.mul(e3).mul(v33)).intoArray(out, o33);
    }
}
