package dev.jllm.tests.behaviour;

import dev.jllm.api.LlmService;
import dev.jllm.api.LlmServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The original service's examples in main mode: a service from {@code LlmServices.main(home)}. */
class SeedExamplesMainTest extends SeedExamples {

    @TempDir
    static Path home;
    static LlmService service;
    static String previousHome;

    @BeforeAll
    static void start() {
        // The local engine's default model store follows jllm.home; keep it inside the test's home.
        previousHome = System.getProperty("jllm.home");
        System.setProperty("jllm.home", home.toString());
        service = LlmServices.main(home);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (previousHome == null) {
            System.clearProperty("jllm.home");
        } else {
            System.setProperty("jllm.home", previousHome);
        }
    }

    @Override
    LlmService service() {
        return service;
    }

    @Override
    String expectedMode() {
        return "main";
    }

    @Override
    Path scratch() {
        return home;
    }

    /** The seed's mode detection: no server URL in the environment means main mode. */
    @Test
    void withoutAServerUrlTheEnvironmentChoosesMainMode() {
        try (LlmService s = LlmServices.fromEnvironment(Map.of("JLLM_HOME", home.resolve("env").toString()))) {
            assertThat(s.info().mode()).isEqualTo("main");
        }
    }
}
