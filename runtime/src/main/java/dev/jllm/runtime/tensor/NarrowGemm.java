package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.PackedRows.G;
import static dev.jllm.runtime.tensor.Simd.I;

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
     * For tokens {@code u < 4} ({@code x_u}) and groups {@code g < 4}: the exact {@code sum_(c < 32) q(32 j + c, g, r)
     * * x_u(xo + c)} at {@code sums[(4 u + g) * G + r]}, where the weights are
     * {@code w[(16 j + c / 2) * PAIR + g * 2G + 2 r + c % 2]}.
     */
    static void block(short[] w, int j, Q8KActivations x0, Q8KActivations x1, Q8KActivations x2, Q8KActivations x3,
            int xo, int[] sums) {
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
        // summed in registers (a helper taking the accumulators would box them)
        IntVector p00 = a00.reinterpretAsInts();
        p00.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p00.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, 0);
        IntVector p10 = a10.reinterpretAsInts();
        p10.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p10.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, G);
        IntVector p20 = a20.reinterpretAsInts();
        p20.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p20.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, 2 * G);
        IntVector p30 = a30.reinterpretAsInts();
        p30.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p30.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, 3 * G);
        IntVector p01 = a01.reinterpretAsInts();
        p01.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p01.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, 4 * G);
        IntVector p11 = a11.reinterpretAsInts();
        p11.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p11.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, 5 * G);
        IntVector p21 = a21.reinterpretAsInts();
        p21.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p21.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, 6 * G);
        IntVector p31 = a31.reinterpretAsInts();
        p31.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p31.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, 7 * G);
        IntVector p02 = a02.reinterpretAsInts();
        p02.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p02.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, 8 * G);
        IntVector p12 = a12.reinterpretAsInts();
        p12.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p12.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, 9 * G);
        IntVector p22 = a22.reinterpretAsInts();
        p22.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p22.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, 10 * G);
        IntVector p32 = a32.reinterpretAsInts();
        p32.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p32.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, 11 * G);
        IntVector p03 = a03.reinterpretAsInts();
        p03.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p03.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, 12 * G);
        IntVector p13 = a13.reinterpretAsInts();
        p13.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p13.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, 13 * G);
        IntVector p23 = a23.reinterpretAsInts();
        p23.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p23.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, 14 * G);
        IntVector p33 = a33.reinterpretAsInts();
        p33.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(p33.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, 15 * G);
    }
}
