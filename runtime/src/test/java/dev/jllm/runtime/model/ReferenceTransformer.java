package dev.jllm.runtime.model;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.gguf.GgufTensorInfo;
import dev.jllm.runtime.tensor.IntegerKernelTensor;
import dev.jllm.runtime.tensor.Q8KActivations;
import dev.jllm.runtime.tensor.WeightTensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

/**
 * A deliberately naive Llama-family forward pass in double precision over the dequantized weights, written
 * independently of the engine (test only): textbook loops, explicit rotation pairs, RoPE scaling from
 * llama.cpp's formulas, attention recomputed over the whole sequence. It is checked against llama.cpp's
 * goldens on stories260K and then serves as the float reference for synthetic models.
 */
final class ReferenceTransformer {

    private final GgufFile gguf;
    private final ModelConfig c;
    private final String arch;

    ReferenceTransformer(GgufFile gguf) {
        this.gguf = gguf;
        this.c = ModelConfig.fromGguf(gguf);
        this.arch = gguf.string("general.architecture").orElseThrow();
    }

    private final Map<String, double[][]> matrices = new HashMap<>();
    /** Matrices whose engine kernels multiply quantized activations (the integer kernels), with their tensors. */
    private final Map<double[][], IntegerKernelTensor> roundsActivations = new java.util.IdentityHashMap<>();

    private double[][] matrix(String name) {
        return matrices.computeIfAbsent(name, this::readMatrix);
    }

    /**
     * {@code w . x}: for a matrix of an integer-kernel type, {@code x} first rounded as the engine (and llama.cpp)
     * rounds activations for it ({@link IntegerKernelTensor#roundScalar}; the products are then exact sums).
     */
    private double[] matvec(double[][] w, double[] x, double[] bias) {
        IntegerKernelTensor rounding = roundsActivations.get(w);
        if (rounding == null || x.length % Q8KActivations.BLOCK != 0) {
            return matvecExact(w, x, bias);
        }
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        Q8KActivations a = rounding.roundScalar(new Q8KActivations(), f, 0);
        double[] rounded = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            rounded[i] = (double) a.scaleOf(i) * a.q(i);
        }
        return matvecExact(w, rounded, bias);
    }

    private double[][] readMatrix(String name) {
        GgufTensorInfo t = gguf.requireTensor(name);
        int cols = (int) t.dim(0);
        int rows = (int) t.dim(1);
        WeightTensor w = WeightTensor.of(t.type(), gguf.data(t), rows, cols, false);
        double[][] m = new double[rows][cols];
        if (w instanceof IntegerKernelTensor i && i.integerKernel()) {
            roundsActivations.put(m, i);
        }
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            w.dequantizeRow(r, row, 0);
            for (int i = 0; i < cols; i++) {
                m[r][i] = row[i];
            }
        }
        return m;
    }

    private double[] vector(String name) {
        if (gguf.tensor(name).isEmpty()) {
            return null;
        }
        GgufTensorInfo t = gguf.requireTensor(name);
        int n = (int) t.dim(0);
        float[] row = new float[n];
        WeightTensor.of(t.type(), gguf.data(t), 1, n, false).dequantizeRow(0, row, 0);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = row[i];
        }
        return v;
    }

    private static double[] matvecExact(double[][] w, double[] x, double[] bias) {
        double[] out = new double[w.length];
        for (int r = 0; r < w.length; r++) {
            double s = bias == null ? 0 : bias[r];
            for (int i = 0; i < x.length; i++) {
                s += w[r][i] * x[i];
            }
            out[r] = s;
        }
        return out;
    }

    private static double[] rmsnorm(double[] x, int off, int n, double[] weight, double eps) {
        double ss = 0;
        for (int i = 0; i < n; i++) {
            ss += x[off + i] * x[off + i];
        }
        double scale = 1 / Math.sqrt(ss / n + eps);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = x[off + i] * scale * weight[i];
        }
        return out;
    }

    /** Rotates the first ropeDims elements of each head of {@code v} in place for position {@code pos}. */
    private void rope(double[] v, int heads, int pos, double[] freqFactors) {
        int dims = c.ropeDimensions();
        // llama.cpp's llama_model_rope_type: llama rotates adjacent pairs, qwen2/qwen3 rotate halves (NeoX)
        boolean adjacentPairs = arch.equals("llama");
        String type = gguf.string(arch + ".rope.scaling.type", "linear");
        double factor = gguf.float32(arch + ".rope.scaling.factor", 0f);
        double freqScale = type.equals("none") || factor == 0 ? 1 : 1 / factor;
        boolean yarn = type.equals("yarn");
        double base = c.ropeFreqBase();
        int nCtxOrig = gguf.integer(arch + ".rope.scaling.original_context_length", c.contextLength());
        double low = Math.max(0, Math.floor(dims * Math.log(nCtxOrig / (32 * 2 * Math.PI)) / (2 * Math.log(base))));
        double high = Math.min(dims - 1, Math.ceil(dims * Math.log(nCtxOrig / (1 * 2 * Math.PI)) / (2 * Math.log(base))));
        // YaRN's magnitude: 1 + 0.1 ln(factor) (llama.cpp's attn factor cancels its own correction otherwise)
        double mscale = yarn && factor > 1 ? 1 + 0.1 * Math.log(factor) : 1;
        for (int h = 0; h < heads; h++) {
            int o = h * c.keyLength();
            for (int i = 0; i < dims / 2; i++) {
                double extrapolated = pos * Math.pow(base, -2.0 * i / dims) / (freqFactors == null ? 1 : freqFactors[i]);
                double angle = extrapolated * freqScale;
                if (yarn) {
                    double ramp = 1 - Math.min(1, Math.max(0, (i - low) / Math.max(0.001, high - low)));
                    angle = angle * (1 - ramp) + extrapolated * ramp;
                }
                int a = adjacentPairs ? 2 * i : i;
                int b = adjacentPairs ? 2 * i + 1 : i + dims / 2;
                double xa = v[o + a];
                double xb = v[o + b];
                v[o + a] = (xa * Math.cos(angle) - xb * Math.sin(angle)) * mscale;
                v[o + b] = (xa * Math.sin(angle) + xb * Math.cos(angle)) * mscale;
            }
        }
    }

    /** Logits at every position of {@code tokens} (one sequence from position 0). */
    double[][] logits(int[] tokens) {
        int width = c.embeddingLength();
        int hk = c.keyLength();
        int hv = c.valueLength();
        int heads = c.headCount();
        int group = heads / c.headCountKv();
        double eps = c.rmsEpsilon();
        double[][] embedding = matrix("token_embd.weight");
        double[][] output = gguf.tensor("output.weight").isPresent() ? matrix("output.weight") : embedding;
        double[] outputNorm = vector("output_norm.weight");
        double[] outputBias = vector("output.bias");
        double[] freqFactors = vector("rope_freqs.weight");
        int layers = c.blockCount();
        List<List<double[]>> keys = new ArrayList<>();
        List<List<double[]>> values = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            keys.add(new ArrayList<>());
            values.add(new ArrayList<>());
        }
        double[][] result = new double[tokens.length][];
        for (int pos = 0; pos < tokens.length; pos++) {
            double[] x = embedding[tokens[pos]].clone();
            for (int l = 0; l < layers; l++) {
                String p = "blk." + l + ".";
                double[] h = rmsnorm(x, 0, width, vector(p + "attn_norm.weight"), eps);
                double[] q = matvec(matrix(p + "attn_q.weight"), h, vector(p + "attn_q.bias"));
                double[] k = matvec(matrix(p + "attn_k.weight"), h, vector(p + "attn_k.bias"));
                double[] v = matvec(matrix(p + "attn_v.weight"), h, vector(p + "attn_v.bias"));
                double[] qNorm = vector(p + "attn_q_norm.weight");
                if (qNorm != null) {
                    for (int hd = 0; hd < heads; hd++) {
                        System.arraycopy(rmsnorm(q, hd * hk, hk, qNorm, eps), 0, q, hd * hk, hk);
                    }
                    double[] kNorm = vector(p + "attn_k_norm.weight");
                    for (int hd = 0; hd < c.headCountKv(); hd++) {
                        System.arraycopy(rmsnorm(k, hd * hk, hk, kNorm, eps), 0, k, hd * hk, hk);
                    }
                }
                rope(q, heads, pos, freqFactors);
                rope(k, c.headCountKv(), pos, freqFactors);
                keys.get(l).add(k);
                values.get(l).add(v);
                double[] att = new double[heads * hv];
                for (int hd = 0; hd < heads; hd++) {
                    int kvh = hd / group;
                    double[] score = new double[pos + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= pos; j++) {
                        double s = 0;
                        for (int i = 0; i < hk; i++) {
                            s += q[hd * hk + i] * keys.get(l).get(j)[kvh * hk + i];
                        }
                        score[j] = s / Math.sqrt(hk);
                        max = Math.max(max, score[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= pos; j++) {
                        score[j] = Math.exp(score[j] - max);
                        sum += score[j];
                    }
                    for (int j = 0; j <= pos; j++) {
                        for (int i = 0; i < hv; i++) {
                            att[hd * hv + i] += score[j] / sum * values.get(l).get(j)[kvh * hv + i];
                        }
                    }
                }
                double[] o = matvec(matrix(p + "attn_output.weight"), att, vector(p + "attn_output.bias"));
                for (int i = 0; i < width; i++) {
                    x[i] += o[i];
                }
                double[] h2 = rmsnorm(x, 0, width, vector(p + "ffn_norm.weight"), eps);
                double[] g = matvec(matrix(p + "ffn_gate.weight"), h2, null);
                double[] u = matvec(matrix(p + "ffn_up.weight"), h2, null);
                for (int i = 0; i < g.length; i++) {
                    g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                }
                double[] d = matvec(matrix(p + "ffn_down.weight"), g, null);
                for (int i = 0; i < width; i++) {
                    x[i] += d[i];
                }
            }
            result[pos] = matvec(output, rmsnorm(x, 0, width, outputNorm, eps), outputBias);
        }
        return result;
    }
}
