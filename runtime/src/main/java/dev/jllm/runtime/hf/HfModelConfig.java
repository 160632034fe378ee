package dev.jllm.runtime.hf;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.hf.HfModelDirectory;
import dev.jllm.runtime.model.Architecture;
import dev.jllm.runtime.model.ModelConfig;
import dev.jllm.runtime.model.RopeScaling;
import dev.jllm.runtime.tensor.RopeOrder;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Map;

/**
 * What a Hugging Face {@code config.json} says about the network, in the engine's terms.
 *
 * @param config          the hyper-parameters; RoPE pairs are rotate-half ({@link RopeOrder#NEOX}) because HF
 *                        checkpoints keep q/k rows in that order for every supported architecture
 * @param ropeFreqFactors Llama 3 per-frequency divisors ({@code rope_scaling.rope_type = llama3}), or null
 * @param tiedEmbeddings  whether the output matrix is the token embedding ({@code tie_word_embeddings})
 */
public record HfModelConfig(ModelConfig config, float[] ropeFreqFactors, boolean tiedEmbeddings) {

    /** HF architecture class names and the engine architecture each one runs as. */
    static final Map<String, Architecture> ARCHITECTURES = Map.of(
            "LlamaForCausalLM", Architecture.LLAMA,
            "MistralForCausalLM", Architecture.LLAMA,
            "Qwen2ForCausalLM", Architecture.QWEN2,
            "Qwen3ForCausalLM", Architecture.QWEN3);

    /** Reads {@code config.json}; the vocabulary size is the embedding's row count (checked against the config). */
    public static HfModelConfig read(HfModelDirectory dir) {
        JsonObject c = dir.config();
        String where = dir.path().resolve(HfModelDirectory.CONFIG).toString();
        Architecture arch = architecture(c, where);
        int width = requiredInt(c, "hidden_size", where);
        int heads = requiredInt(c, "num_attention_heads", where);
        int kvHeads = optionalInt(c, "num_key_value_heads", heads, where);
        if (heads <= 0) {
            throw new ModelFormatException(where + ": num_attention_heads must be positive, got " + heads);
        }
        int headDim = optionalInt(c, "head_dim", width / heads, where);
        int blocks = requiredInt(c, "num_hidden_layers", where);
        int ff = requiredInt(c, "intermediate_size", where);
        float eps = (float) requiredDouble(c, "rms_norm_eps", where);
        float theta = (float) optionalDouble(c, "rope_theta", 10000.0, where);
        int context = optionalInt(c, "max_position_embeddings", 2048, where);
        boolean tied = c.getBoolean("tie_word_embeddings", false);
        if (c.containsKey("partial_rotary_factor") && optionalDouble(c, "partial_rotary_factor", 1, where) != 1.0) {
            throw new ModelFormatException(where + ": partial_rotary_factor other than 1 is not supported");
        }
        HfModelDirectory.TensorRef embedding = dir.tensor("model.embed_tokens.weight").orElseThrow(() ->
                new ModelFormatException(dir.path() + ": tensor 'model.embed_tokens.weight' is missing"));
        long[] shape = embedding.info().shape().toArray();
        if (shape.length != 2 || shape[1] != width || shape[0] > Integer.MAX_VALUE) {
            throw new ModelFormatException(dir.path() + ": model.embed_tokens.weight has shape "
                    + java.util.Arrays.toString(shape) + ", expected [vocabulary size, " + width + "]");
        }
        int vocab = (int) shape[0];
        int declaredVocab = optionalInt(c, "vocab_size", vocab, where);
        if (declaredVocab != vocab) {
            throw new ModelFormatException(where + ": vocab_size " + declaredVocab + " differs from the "
                    + vocab + " rows of model.embed_tokens.weight");
        }

        RopeScaling scaling = RopeScaling.none(context);
        float[] factors = null;
        JsonValue rs = c.get("rope_scaling");
        if (rs instanceof JsonObject s) {
            String type = s.containsKey("rope_type") ? stringOf(s, "rope_type", where) : stringOf(s, "type", where);
            float factor = (float) optionalDouble(s, "factor", 1.0, where);
            int original = optionalInt(s, "original_max_position_embeddings", context, where);
            switch (type) {
                case "default" -> { }
                case "linear" -> scaling = RopeScaling.resolve(RopeScaling.Type.LINEAR, factor, context, 1f);
                case "yarn" -> scaling = RopeScaling.resolve(RopeScaling.Type.YARN, factor, original,
                        (float) optionalDouble(s, "attention_factor", 1.0, where));
                case "llama3" -> factors = llama3Factors(s, theta, headDim, factor, original, where);
                default -> throw new ModelFormatException(where + ": unsupported rope_scaling type '" + type
                        + "' (supported: linear, yarn, llama3)");
            }
        } else if (rs != null && rs.getValueType() != JsonValue.ValueType.NULL) {
            throw new ModelFormatException(where + ": rope_scaling is not an object");
        }
        ModelConfig config = new ModelConfig(arch, width, blocks, ff, heads, kvHeads, headDim, headDim, eps, headDim,
                theta, RopeOrder.NEOX, scaling, context, vocab);
        return new HfModelConfig(config, factors, tied);
    }

    private static Architecture architecture(JsonObject c, String where) {
        if (!(c.get("architectures") instanceof JsonArray a) || a.isEmpty() || !(a.get(0) instanceof JsonString s)) {
            throw new ModelFormatException(where + ": no 'architectures' list naming the model class");
        }
        Architecture arch = ARCHITECTURES.get(s.getString());
        if (arch == null) {
            throw new dev.jllm.models.UnsupportedModelException(where + ": unsupported model class '" + s.getString() + "' (supported: "
                    + String.join(", ", new java.util.TreeSet<>(ARCHITECTURES.keySet())) + ")");
        }
        return arch;
    }

    /** Llama 3.1's frequency-dependent RoPE scaling, as divisors of each pair's angle. */
    private static float[] llama3Factors(JsonObject s, float theta, int headDim, float factor, int original, String where) {
        double low = optionalDouble(s, "low_freq_factor", 1.0, where);
        double high = optionalDouble(s, "high_freq_factor", 4.0, where);
        double lowWavelen = original / low;
        double highWavelen = original / high;
        float[] out = new float[headDim / 2];
        for (int i = 0; i < out.length; i++) {
            double freq = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen) {
                out[i] = 1f;
            } else if (wavelen > lowWavelen) {
                out[i] = factor;
            } else {
                double smooth = (original / wavelen - low) / (high - low);
                out[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return out;
    }

    private static String stringOf(JsonObject o, String key, String where) {
        if (!(o.get(key) instanceof JsonString s)) {
            throw new ModelFormatException(where + ": '" + key + "' is not a string");
        }
        return s.getString();
    }

    private static int requiredInt(JsonObject o, String key, String where) {
        return optionalInt(present(o, key, where), key, 0, where);
    }

    private static int optionalInt(JsonObject o, String key, int dflt, String where) {
        JsonNumber n = number(o, key, "an integer", where);
        if (n == null) {
            return dflt;
        }
        if (!n.isIntegral()) {
            throw new ModelFormatException(where + ": '" + key + "' is not an integer");
        }
        try {
            return n.intValueExact();
        } catch (ArithmeticException e) {
            throw new ModelFormatException(where + ": '" + key + "' is out of range");
        }
    }

    private static double requiredDouble(JsonObject o, String key, String where) {
        return optionalDouble(present(o, key, where), key, 0, where);
    }

    private static double optionalDouble(JsonObject o, String key, double dflt, String where) {
        JsonNumber n = number(o, key, "a number", where);
        return n == null ? dflt : n.doubleValue();
    }

    /** {@code o}, once it is known to have {@code key}. */
    private static JsonObject present(JsonObject o, String key, String where) {
        if (!o.containsKey(key)) {
            throw new ModelFormatException(where + ": '" + key + "' is missing");
        }
        return o;
    }

    /** The number under {@code key}, or null when it is absent or null; anything else is refused as not {@code what}. */
    private static JsonNumber number(JsonObject o, String key, String what, String where) {
        JsonValue v = o.get(key);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(v instanceof JsonNumber n)) {
            throw new ModelFormatException(where + ": '" + key + "' is not " + what);
        }
        return n;
    }
}
