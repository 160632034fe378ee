package dev.jllm.api.openai;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the OpenAI example documents under src/test/resources/openai. */
final class Resources {
    private Resources() { }

    static String read(String name) {
        try (InputStream in = Resources.class.getResourceAsStream("/openai/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /openai/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
