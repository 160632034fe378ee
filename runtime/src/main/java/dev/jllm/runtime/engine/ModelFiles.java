package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.chat.ChatTemplate;
import dev.jllm.runtime.chat.ChatTemplateException;
import dev.jllm.runtime.chat.FallbackTemplates;
import dev.jllm.runtime.hf.HfCheckpoint;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.model.ModelConfig;
import dev.jllm.runtime.model.WeightSource;
import dev.jllm.runtime.quant.QuantizingWeightSource;
import dev.jllm.runtime.sampling.SamplingParams;
import dev.jllm.runtime.tokenizer.Tokenizer;
import dev.jllm.runtime.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link LocalModel} is made of, read from a GGUF file or a Hugging Face model directory: the network, what
 * keeps its weights mapped, the tokenizer, the chat template, extra end-of-generation ids and sampling defaults.
 * Load failures become the {@link LlmException}s users see, with everything opened so far released.
 *
 * @param gguf                 the GGUF file, or null for an HF directory
 * @param weights              what to close once the network is closed (the GGUF file or the HF checkpoint)
 * @param extraEndOfGeneration ids that end generation beside the tokenizer's own (generation_config.json)
 * @param samplingDefaults     defaults for request fields left unset
 */
record ModelFiles(GgufFile gguf, AutoCloseable weights, LlamaModel network, Tokenizer tokenizer,
                  ChatTemplate chatTemplate, boolean builtInTemplate, List<Integer> extraEndOfGeneration,
                  SamplingParams samplingDefaults) {

    /**
     * @param quantize Q8_0 or Q4_0 to quantize float matrices at load time, or null
     * @throws LlmException NOT_FOUND for a missing file, INVALID_REQUEST for a model jllm cannot run
     */
    static ModelFiles open(Path path, EngineOptions options, GgmlType quantize) {
        return Files.isDirectory(path) ? openHf(path, options, quantize) : openGguf(path, options, quantize);
    }

    private static ModelFiles openGguf(Path path, EngineOptions options, GgmlType quantize) {
        GgufFile gguf;
        try {
            gguf = GgufFile.open(path);
        } catch (NoSuchFileException e) {
            throw new LlmException(LlmException.Kind.NOT_FOUND, "model file " + path + " does not exist");
        } catch (IOException e) {
            throw new LlmException(LlmException.Kind.UNAVAILABLE, "cannot read model file " + path + ": " + e.getMessage(), e);
        } catch (ModelFormatException e) {
            throw invalid(path, e);
        }
        try {
            LlamaModel network = LlamaModel.load(quantized(WeightSource.of(gguf), quantize), ModelConfig.fromGguf(gguf),
                    options);
            return assemble(path, gguf, gguf, network, () -> Tokenizers.fromGguf(gguf),
                    gguf.string("tokenizer.chat_template", null), List.of(), SamplingParams.defaults());
        } catch (ModelFormatException e) {
            // the tensors do not match the metadata (missing, wrong shapes or types): the file's fault
            gguf.close();
            throw invalid(path, e);
        } catch (RuntimeException | Error e) {
            gguf.close();
            throw e;
        }
    }

    private static ModelFiles openHf(Path path, EngineOptions options, GgmlType quantize) {
        HfCheckpoint hf;
        try {
            hf = HfCheckpoint.open(path);
        } catch (NoSuchFileException e) {
            throw new LlmException(LlmException.Kind.NOT_FOUND, "cannot load " + path + ": " + e.getFile()
                    + " does not exist" + (e.getReason() == null ? "" : " (" + e.getReason() + ")"));
        } catch (IOException e) {
            throw new LlmException(LlmException.Kind.UNAVAILABLE, "cannot read model directory " + path + ": " + e.getMessage(), e);
        } catch (ModelFormatException e) {
            throw invalid(path, e);
        }
        try {
            LlamaModel network = hf.load(quantized(hf.weights(), quantize), options);
            return assemble(path, null, hf, network, () -> Tokenizers.fromVocab(hf.vocab()), hf.chatTemplate().orElse(null),
                    hf.eosIds(), hf.samplingDefaults(SamplingParams.defaults()));
        } catch (ModelFormatException e) {
            hf.close();
            throw invalid(path, e);
        } catch (RuntimeException | Error e) {
            hf.close();
            throw e;
        }
    }

    private interface TokenizerSource {
        Tokenizer get();
    }

    /** The tokenizer and template beside a loaded network; the network is closed if they fail. */
    private static ModelFiles assemble(Path path, GgufFile gguf, AutoCloseable weights, LlamaModel network,
                                       TokenizerSource tokenizerSource, String templateSource, List<Integer> eog,
                                       SamplingParams samplingDefaults) {
        try {
            Tokenizer tokenizer = tokenizerSource.get();
            // Every id the network can produce must be a token, and every token an input row: a GGUF has exactly
            // one token per row (llama.cpp's rule); a Hugging Face checkpoint may pad its rows beyond the tokens.
            int rows = network.config().vocabSize();
            if (gguf != null ? tokenizer.vocabSize() != rows : tokenizer.vocabSize() > rows) {
                throw new ModelFormatException("the tokenizer has " + tokenizer.vocabSize() + " tokens but the"
                        + " model's embeddings have " + rows + " rows");
            }
            boolean builtIn = templateSource != null;
            String source = builtIn ? templateSource : FallbackTemplates.forVocabulary(t -> tokenizer.tokenId(t) >= 0);
            String bos = tokenizer.bos() >= 0 ? tokenizer.tokenText(tokenizer.bos()) : null;
            String eos = tokenizer.eos() >= 0 ? tokenizer.tokenText(tokenizer.eos()) : null;
            ChatTemplate template = ChatTemplate.of(source, bos, eos);
            return new ModelFiles(gguf, weights, network, tokenizer, template, builtIn, eog, samplingDefaults);
        } catch (ModelFormatException | ChatTemplateException e) {
            network.close();
            throw invalid(path, e);
        } catch (RuntimeException | Error e) {
            network.close();
            throw e;
        }
    }

    private static WeightSource quantized(WeightSource source, GgmlType quantize) {
        return quantize == null ? source : new QuantizingWeightSource(source, quantize);
    }

    private static LlmException invalid(Path path, Exception e) {
        return new LlmException(LlmException.Kind.INVALID_REQUEST, "cannot load " + path + ": " + e.getMessage(), e);
    }
}
