package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.api.LocalConfig;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.runtime.quant.QuantizingWeightSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How one local instance loads its models: its engine settings, the type float weights are quantized to at load
 * time ({@value LocalSettings#QUANTIZE}, or null) and the chat template given in place of the models' own
 * ({@value LocalSettings#CHAT_TEMPLATE_FILE}'s text, or null).
 */
record ModelLoading(LocalSettings settings, GgmlType quantize, String chatTemplate) {

    /** @throws LlmException INVALID_REQUEST for an unknown quantization type or an unreadable template file */
    static ModelLoading of(LocalConfig config) {
        GgmlType quantize;
        try {
            quantize = config.options().containsKey(LocalSettings.QUANTIZE)
                    ? QuantizingWeightSource.parseType(config.options().get(LocalSettings.QUANTIZE)) : null;
        } catch (IllegalArgumentException e) {
            throw LlmException.invalid(e.getMessage());
        }
        return new ModelLoading(LocalSettings.of(config), quantize,
                readTemplate(config.options().get(LocalSettings.CHAT_TEMPLATE_FILE)));
    }

    LocalModel load(String id, Path path) {
        return LocalModel.load(id, path, settings, quantize, chatTemplate);
    }

    private static String readTemplate(String file) {
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw LlmException.invalid("cannot read the chat template file " + file + ": " + e.getMessage());
        }
    }
}
