package dev.jllm.runtime.engine;

import dev.jllm.api.LocalConfig;
import dev.jllm.models.testing.TestData;
import dev.jllm.providers.LlmServiceMain;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the engine tests that reach the local instance type as users do: a main-mode service in a fresh home with
 * stories260K served by instance {@code s} (2 threads) and set as the current model, closed after each test.
 */
abstract class StoriesServiceFixture {

    @TempDir
    Path home;

    LlmServiceMain service;
    String model;

    @BeforeEach
    void startService() {
        model = TestData.require("stories260K/stories260K.gguf").toString();
        service = new LlmServiceMain(home);
        service.create("s", LocalConfig.of(model).withThreads(2));
        service.setCurrentModel(model, "local", "s");
    }

    @AfterEach
    void stopService() {
        service.close();
    }
}
