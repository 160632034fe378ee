package dev.jllm.runtime.hf;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.hf.HfModelDirectory;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.model.WeightSource;
import dev.jllm.runtime.sampling.SamplingParams;
import dev.jllm.runtime.tokenizer.HfTokenizerJson;
import dev.jllm.runtime.tokenizer.VocabData;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Hugging Face model directory read for the engine: the network's config and weights (by GGUF names), the
 * tokenizer's vocabulary, the chat template and the end-of-generation ids of {@code generation_config.json}.
 * Closing it releases the weight mappings (models built from it must be closed first).
 */
public final class HfCheckpoint implements AutoCloseable {
    private final HfModelDirectory dir;
    private final HfModelConfig config;
    private final WeightSource weights;
    private final VocabData vocab;
    private final String chatTemplate;
    private final List<Integer> eosIds;
    private final JsonObject generation;

    private HfCheckpoint(HfModelDirectory dir, HfModelConfig config, VocabData vocab, String chatTemplate,
                         List<Integer> eosIds, JsonObject generation) {
        this.dir = dir;
        this.config = config;
        this.weights = new HfWeightSource(dir, config);
        this.vocab = vocab;
        this.chatTemplate = chatTemplate;
        this.eosIds = List.copyOf(eosIds);
        this.generation = generation == null ? JsonValue.EMPTY_JSON_OBJECT : generation;
    }

    /**
     * Opens a model directory.
     *
     * @throws NoSuchFileException  when the directory, {@code config.json}, the weights or {@code tokenizer.json}
     *                              are missing
     * @throws ModelFormatException for an unsupported model class, tokenizer component or malformed file
     */
    public static HfCheckpoint open(Path path) throws IOException {
        HfModelDirectory dir = HfModelDirectory.open(path);
        try {
            HfModelConfig config = HfModelConfig.read(dir);
            JsonObject tokenizerConfig = dir.tokenizerConfig().orElse(null);
            JsonObject tokenizer = dir.tokenizerJson().orElseThrow(() -> new NoSuchFileException(
                    path.resolve(HfModelDirectory.TOKENIZER).toString(), null, "the model directory has no tokenizer.json"));
            String where = path.resolve(HfModelDirectory.TOKENIZER).toString();
            VocabData read = HfTokenizerJson.read(tokenizer, tokenizerConfig, where);
            VocabData vocab;
            try {
                vocab = HfTokenizerJson.padTo(read, config.config().vocabSize())
                        .withModelInfo(dir.config().getString("_name_or_path", null), config.config().architecture().ggufName());
            } catch (ModelFormatException e) {
                throw new ModelFormatException(where + ": " + e.getMessage(), e);
            }
            String template = tokenizerConfig == null ? null : chatTemplate(tokenizerConfig, path);
            if (template == null) {
                template = separateChatTemplate(path);
            }
            JsonObject generation = dir.generationConfig().orElse(null);
            List<Integer> eos = eosIds(generation, dir.config());
            return new HfCheckpoint(dir, config, vocab, template, eos, generation);
        } catch (IOException | RuntimeException | Error e) {
            dir.close();
            throw e;
        }
    }

    /** {@code chat_template}: a string, or a list of named templates of which "default" is taken. */
    private static String chatTemplate(JsonObject tokenizerConfig, Path path) {
        JsonValue t = tokenizerConfig.get("chat_template");
        if (t instanceof JsonString s) {
            return s.getString();
        }
        if (t instanceof JsonArray list) {
            for (JsonValue v : list) {
                if (v instanceof JsonObject o && "default".equals(o.getString("name", null))
                        && o.get("template") instanceof JsonString s) {
                    return s.getString();
                }
            }
            throw new ModelFormatException(path.resolve(HfModelDirectory.TOKENIZER_CONFIG)
                    + ": chat_template is a list without a 'default' entry");
        }
        return null;
    }

    /**
     * Newer transformers save the template beside tokenizer_config.json: {@code chat_template.jinja}, or
     * {@code chat_template.json} holding a {@code chat_template} string.
     */
    private static String separateChatTemplate(Path path) throws IOException {
        Path jinja = path.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinja)) {
            if (Files.size(jinja) > 4L << 20) {
                throw new ModelFormatException(jinja + ": a chat template over 4 MiB is not plausible");
            }
            return Files.readString(jinja);
        }
        Path json = path.resolve("chat_template.json");
        if (Files.isRegularFile(json)) {
            return chatTemplate(HfModelDirectory.readJson(json), path);
        }
        return null;
    }

    /** The end-of-sequence ids of generation_config.json (one id or a list), else of config.json. */
    private static List<Integer> eosIds(JsonObject generation, JsonObject config) {
        List<Integer> out = new ArrayList<>();
        JsonValue v = generation != null && generation.containsKey("eos_token_id")
                ? generation.get("eos_token_id") : config.get("eos_token_id");
        if (v instanceof JsonNumber n && n.isIntegral()) {
            out.add(n.intValue());
        } else if (v instanceof JsonArray a) {
            for (JsonValue item : a) {
                if (item instanceof JsonNumber n && n.isIntegral()) {
                    out.add(n.intValue());
                }
            }
        }
        return out;
    }

    public Path path() {
        return dir.path();
    }

    public HfModelDirectory directory() {
        return dir;
    }

    public HfModelConfig modelConfig() {
        return config;
    }

    /** The weights under their GGUF names (slices of the safetensors mappings). */
    public WeightSource weights() {
        return weights;
    }

    /** The tokenizer's vocabulary ({@link dev.jllm.runtime.tokenizer.Tokenizers#fromVocab} builds the tokenizer). */
    public VocabData vocab() {
        return vocab;
    }

    /** {@code tokenizer_config.json}'s chat template, if it has one. */
    public Optional<String> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }

    /** Ids that end generation according to {@code generation_config.json} (or {@code config.json}). */
    public List<Integer> eosIds() {
        return eosIds;
    }

    /**
     * {@code base} with the defaults of {@code generation_config.json}: {@code do_sample: false} means greedy (as
     * in HF's {@code generate}); otherwise its temperature, top_k, top_p and repetition_penalty replace the base's.
     * Values out of range are ignored (the base's stay), since they only set defaults.
     */
    public SamplingParams samplingDefaults(SamplingParams base) {
        if (generation.get("do_sample") == JsonValue.FALSE) {
            return base.withTemperature(0);
        }
        SamplingParams p = base;
        try {
            if (generation.get("temperature") instanceof JsonNumber t && t.doubleValue() >= 0) {
                p = p.withTemperature((float) t.doubleValue());
            }
            if (generation.get("top_k") instanceof JsonNumber k && k.isIntegral() && k.intValue() >= 0) {
                p = p.withTopK(k.intValue());
            }
            if (generation.get("top_p") instanceof JsonNumber tp && tp.doubleValue() > 0 && tp.doubleValue() <= 1) {
                p = p.withTopP((float) tp.doubleValue());
            }
            if (generation.get("repetition_penalty") instanceof JsonNumber rp && rp.doubleValue() > 0) {
                p = p.withRepeatPenalty((float) rp.doubleValue());
            }
        } catch (IllegalArgumentException outOfRange) {
            return base;
        }
        return p;
    }

    /** The network over the mapped weights, or over {@code weights} (e.g. a quantizing view of {@link #weights()}). */
    public LlamaModel load(WeightSource weights, EngineOptions options) {
        return LlamaModel.load(weights, config.config(), options);
    }

    @Override
    public void close() {
        dir.close();
    }
}
