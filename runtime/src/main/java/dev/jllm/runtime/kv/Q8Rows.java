package dev.jllm.runtime.kv;

import static dev.jllm.runtime.tensor.Simd.B16;
import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.L;
import static dev.jllm.runtime.tensor.Simd.PARTS_PER_16;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.runtime.tensor.Quantizer;
import dev.jllm.runtime.tensor.Simd;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

/**
 * Q8_0 rows in {@code byte[]} pages, in GGML's block layout (a little-endian half-float scale {@code d}, then 32
 * signed bytes; element {@code i} is {@code d * q[i]}), written by the same quantizer as Q8_0 weights (scale
 * {@code max|x| / 127}, round half away from zero), as llama.cpp stores a {@code q8_0} cache. Reads sum each
 * block's products, then scale them once per block; element offsets and lengths are whole blocks (every head width
 * is a multiple of 32: {@link KvType#checkHeads}).
 */
final class Q8Rows extends KvRows {

    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 34;

    Q8Rows(boolean vectorized) {
        super(KvType.Q8_0, vectorized);
    }

    @Override
    public void store(float[] src, int srcOff, Object page, int at, int n) {
        Quantizer.quantize(GgmlType.Q8_0, src, srcOff, n, (byte[]) page, blockOffset(at));
    }

    @Override
    public void load(Object page, int at, float[] out, int outOff, int n) {
        byte[] p = (byte[]) page;
        for (int b = 0; b < n / BLOCK; b++) {
            int off = blockOffset(at) + b * BLOCK_BYTES;
            float d = scale(p, off);
            for (int i = 0; i < BLOCK; i++) {
                out[outOff + b * BLOCK + i] = d * p[off + 2 + i];
            }
        }
    }

    @Override
    public float dot(float[] q, int qOff, Object page, int at, int n) {
        byte[] p = (byte[]) page;
        int blocks = n / BLOCK;
        if (!vectorized) {
            float sum = 0f;
            for (int b = 0; b < blocks; b++) {
                int off = blockOffset(at) + b * BLOCK_BYTES;
                float s = 0f;
                for (int i = 0; i < BLOCK; i++) {
                    s += q[qOff + b * BLOCK + i] * p[off + 2 + i];
                }
                sum += scale(p, off) * s;
            }
            return sum;
        }
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            int off = blockOffset(at) + b * BLOCK_BYTES;
            int qb = qOff + b * BLOCK;
            FloatVector s = FloatVector.zero(F);
            for (int half = 0; half < 2; half++) {
                ByteVector bytes = ByteVector.fromArray(B16, p, off + 2 + 16 * half);
                for (int part = 0; part < PARTS_PER_16; part++) {
                    // Simd.bytesToFloat written out: no vector crosses a call in the loop
                    FloatVector k = (FloatVector) bytes.castShape(F, part);
                    s = k.fma(FloatVector.fromArray(F, q, qb + 16 * half + part * L), s);
                }
            }
            acc = s.fma(FloatVector.broadcast(F, scale(p, off)), acc);
        }
        // the fixed lane order of Simd.sumLanes, written out (a call taking the vector could box it)
        acc = acc.add(acc.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD2));
        return acc.add(acc.rearrange(Simd.FOLD1)).lane(0);
    }

    @Override
    public void axpy(float a, Object page, int at, float[] y, int yOff, int n) {
        byte[] p = (byte[]) page;
        int blocks = n / BLOCK;
        for (int b = 0; b < blocks; b++) {
            int off = blockOffset(at) + b * BLOCK_BYTES;
            float ad = a * scale(p, off);
            int yb = yOff + b * BLOCK;
            if (!vectorized) {
                for (int i = 0; i < BLOCK; i++) {
                    y[yb + i] += ad * p[off + 2 + i];
                }
                continue;
            }
            FloatVector va = FloatVector.broadcast(F, ad);
            for (int half = 0; half < 2; half++) {
                ByteVector bytes = ByteVector.fromArray(B16, p, off + 2 + 16 * half);
                for (int part = 0; part < PARTS_PER_16; part++) {
                    int at2 = yb + 16 * half + part * L;
                    FloatVector v = (FloatVector) bytes.castShape(F, part);
                    v.fma(va, FloatVector.fromArray(F, y, at2)).intoArray(y, at2);
                }
            }
        }
    }

    /** Byte offset of the block holding element {@code element} (a multiple of 32). */
    private static int blockOffset(int element) {
        return element / BLOCK * BLOCK_BYTES;
    }

    private static float scale(byte[] p, int off) {
        return Float.float16ToFloat((short) ((p[off] & 0xFF) | (p[off + 1] << 8)));
    }
}
