package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.template.ChatTemplate;
import dev.jllm.template.ChatTemplateException;
import dev.jllm.template.FallbackTemplates;
import dev.jllm.models.gguf.GgufTensorChecks;
import dev.jllm.runtime.hf.HfCheckpoint;
import dev.jllm.runtime.model.EncoderModel;
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
 * @param network              the decoder, or null for an encoder (embeddings only)
 * @param encoder              the encoder ({@link dev.jllm.runtime.model.Architecture#encoder()}), or null
 * @param extraEndOfGeneration ids that end generation beside the tokenizer's own (generation_config.json)
 * @param samplingDefaults     defaults for request fields left unset
 * @param templateProblem      why the model's own chat template is not used (a generic one is), or null
 */
record ModelFiles(GgufFile gguf, AutoCloseable weights, LlamaModel network, EncoderModel encoder, Tokenizer tokenizer,
                  ChatTemplate chatTemplate, boolean builtInTemplate, List<Integer> extraEndOfGeneration,
                  SamplingParams samplingDefaults, String templateProblem) {

    private static final System.Logger LOG = System.getLogger(ModelFiles.class.getName());

    /** The configuration of whichever network this is. */
    ModelConfig config() {
        return network != null ? network.config() : encoder.config();
    }

    /** Stops the network's worker threads (the weights stay mapped). */
    void closeNetwork() {
        close(network, encoder);
    }

    private static void close(LlamaModel network, EncoderModel encoder) {
        if (network != null) {
            network.close();
        } else {
            encoder.close();
        }
    }

    /**
     * @param quantize Q8_0 or Q4_0 to quantize float matrices at load time, or null
     * @throws LlmException NOT_FOUND for a missing file, INVALID_REQUEST for a model jllm cannot run
     */
    static ModelFiles open(Path path, EngineOptions options, GgmlType quantize) {
        return open(path, options, quantize, null);
    }

    /**
     * @param templateOverride a chat template (Jinja source) used instead of the model's own, or null
     */
    static ModelFiles open(Path path, EngineOptions options, GgmlType quantize, String templateOverride) {
        return Files.isDirectory(path) ? openHf(path, options, quantize, templateOverride)
                : openGguf(path, options, quantize, templateOverride);
    }

    private static ModelFiles openGguf(Path path, EngineOptions options, GgmlType quantize, String templateOverride) {
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
            GgufTensorChecks.check(gguf); // what the tensors hold for their roles, before anything runs on them
            ModelConfig config = ModelConfig.fromGguf(gguf);
            WeightSource source = quantized(WeightSource.of(gguf), quantize);
            LlamaModel network = null;
            EncoderModel encoder = null;
            if (config.architecture().encoder()) {
                encoder = EncoderModel.load(source, config, EncoderModel.poolingOf(gguf, config.architecture()),
                        options);
            } else {
                network = LlamaModel.load(source, config, options);
            }
            return assemble(path, gguf, gguf, network, encoder, () -> Tokenizers.fromGguf(gguf),
                    gguf.string("tokenizer.chat_template", null), templateOverride, List.of(), SamplingParams.defaults());
        } catch (ModelFormatException e) {
            // the tensors do not match the metadata (missing, wrong shapes or types): the file's fault
            gguf.close();
            throw invalid(path, e);
        } catch (RuntimeException | Error e) {
            gguf.close();
            throw e;
        }
    }

    private static ModelFiles openHf(Path path, EngineOptions options, GgmlType quantize, String templateOverride) {
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
            return assemble(path, null, hf, network, null, () -> Tokenizers.fromVocab(hf.vocab()),
                    hf.chatTemplate().orElse(null),
                    templateOverride, hf.eosIds(), hf.samplingDefaults(SamplingParams.defaults()));
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

    /**
     * The tokenizer and template beside a loaded network; the network is closed if they fail. The template is the
     * override when one is given, else the model's own; a model without one, or with one that does not compile,
     * gets a generic template chosen from its vocabulary (with a warning: such a template cannot carry tools).
     */
    private static ModelFiles assemble(Path path, GgufFile gguf, AutoCloseable weights, LlamaModel network,
                                       EncoderModel encoder, TokenizerSource tokenizerSource, String templateSource,
                                       String templateOverride,
                                       List<Integer> eog, SamplingParams samplingDefaults) {
        try {
            Tokenizer tokenizer = tokenizerSource.get();
            // Every id the network can produce must be a token, and every token an input row: a GGUF has exactly
            // one token per row (llama.cpp's rule); a Hugging Face checkpoint may pad its rows beyond the tokens.
            int rows = (network != null ? network.config() : encoder.config()).vocabSize();
            if (gguf != null ? tokenizer.vocabSize() != rows : tokenizer.vocabSize() > rows) {
                throw new ModelFormatException("the tokenizer has " + tokenizer.vocabSize() + " tokens but the"
                        + " model's embeddings have " + rows + " rows");
            }
            String bos = tokenizer.bos() >= 0 ? tokenizer.tokenText(tokenizer.bos()) : null;
            String eos = tokenizer.eos() >= 0 ? tokenizer.tokenText(tokenizer.eos()) : null;
            ChatTemplate template;
            boolean builtIn;
            String problem = null;
            if (templateOverride != null) {
                try {
                    template = ChatTemplate.of(templateOverride, bos, eos);
                } catch (ChatTemplateException e) {
                    throw new LlmException(LlmException.Kind.INVALID_REQUEST, "the chat template given for " + path
                            + " cannot be used: " + e.getMessage(), e);
                }
                builtIn = true;
            } else {
                template = null;
                if (templateSource != null) {
                    try {
                        template = ChatTemplate.of(templateSource, bos, eos);
                    } catch (ChatTemplateException e) {
                        problem = e.getMessage();
                        LOG.log(System.Logger.Level.WARNING, "{0}: its chat template cannot be used ({1}); chats use"
                                + " a generic template chosen from its vocabulary, which cannot carry tools. Give a"
                                + " working one with --chat-template-file", path, e.getMessage());
                    }
                } else if (encoder == null) { // an encoder never chats: nothing to warn about
                    LOG.log(System.Logger.Level.WARNING, "{0} has no chat template; chats use a generic template"
                            + " chosen from its vocabulary, which cannot carry tools. Give one with"
                            + " --chat-template-file", path);
                }
                builtIn = template != null;
                if (template == null) {
                    template = ChatTemplate.of(FallbackTemplates.forVocabulary(t -> tokenizer.tokenId(t) >= 0), bos, eos);
                }
            }
            return new ModelFiles(gguf, weights, network, encoder, tokenizer, template, builtIn, eog, samplingDefaults,
                    problem);
        } catch (ModelFormatException | ChatTemplateException e) {
            close(network, encoder);
            throw invalid(path, e);
        } catch (RuntimeException | Error e) {
            close(network, encoder);
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
