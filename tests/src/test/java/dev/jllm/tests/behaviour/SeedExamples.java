package dev.jllm.tests.behaviour;

import dev.jllm.models.testing.TestData;
import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.LoadFailure;
import dev.jllm.api.LlmException.Origin;
import dev.jllm.api.LlmService;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.ModelInfo;
import dev.jllm.api.OpenAiConfig;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.Model;
import dev.jllm.models.gguf.GgufWriter;
import dev.jllm.tests.support.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The original LLM Service's usage examples, translated to Java, run against one mode: main
 * ({@link SeedExamplesMainTest}) or proxy to a real {@code jllm serve} ({@link SeedExamplesProxyTest}). The code
 * in each test is what docs/programming-model.md shows.
 */
abstract class SeedExamples {

    /** A service of the mode under test, built through {@link dev.jllm.api.LlmServices}. */
    abstract LlmService service();

    abstract String expectedMode();

    /** The stories260K file, where the engine runs. */
    Path model() {
        return TestData.stories260k();
    }

    /** A directory for files this test writes, readable where the engine runs. */
    abstract Path scratch();

    FakeUpstream upstream;

    @BeforeEach
    void startEmpty() {
        service().clear();
        upstream = new FakeUpstream();
    }

    @AfterEach
    void stopUpstream() {
        upstream.close();
    }

    static ChatCompletionRequest ask(String model, String text) {
        return ChatCompletionRequest.builder().model(model).messages(ChatMessage.user(text)).maxTokens(12)
                .temperature(0.0).build();
    }

    LocalConfig tiny() {
        return LocalConfig.of(model().toString()).withThreads(1);
    }

    @Test
    void theServiceSaysWhichModeItRunsIn() {
        assertThat(service().info().mode()).isEqualTo(expectedMode());
    }

    @Test
    void getOrCreateThenChatWholeAndStreamed() {
        LlmService service = service();
        // The seed's `get(name) || create(name, ...)`:
        Llm llm = service.find("tiny").orElseGet(() -> service.create("tiny", tiny()));
        assertThat(service.find("tiny")).isPresent();
        assertThat(service.find("nobody")).isEmpty();
        service.setCurrentModel(model().toString(), null, llm.name());

        String whole = service.chatCompletion(ask(model().toString(), "Once upon a time")).text();
        StringBuilder streamed = new StringBuilder();
        try (ChatCompletionStream stream = service.chatCompletionStream(ask(model().toString(), "Once upon a time"))) {
            stream.forEach(chunk -> streamed.append(chunk.text()));
        }
        assertThat(whole).isNotBlank();
        assertThat(streamed.toString()).isEqualTo(whole);
    }

    @Test
    void serveReportsProgressAndReturnsTheServedModel() {
        LlmService service = service();
        service.create("empty", LocalConfig.defaults().withThreads(1));
        List<ProgressEvent> progress = new CopyOnWriteArrayList<>();
        ModelInfo served = service.serve("empty", model().toString(), progress::add);
        assertThat(served.id()).isEqualTo(model().toString());
        assertThat(served.instance()).isEqualTo("empty");
        assertThat(served.provider()).isEqualTo("local");
        assertThat(served.seconds()).isPositive();
        assertThat(progress).extracting(ProgressEvent::stage).contains("loading");
        assertThat(service.models("empty")).filteredOn(m -> Boolean.TRUE.equals(m.loaded()))
                .extracting(Model::id).containsExactly(model().toString());
    }

    /**
     * Fallback pattern 1 ("Wllama failed, trying WebLLM"): a model the engine cannot load makes the caller serve
     * the conversation from another instance; the failure says it was the model load, and why.
     */
    @Test
    void aModelThatCannotLoadFallsBackToAnotherInstance() throws IOException {
        LlmService service = service();
        Path unsupported = scratch().resolve("mamba.gguf");
        new GgufWriter().putString("general.architecture", "mamba").putString("general.name", "mamba test")
                .write(unsupported);
        service.create("local", LocalConfig.defaults().withThreads(1));

        String answer;
        LlmException failure = null;
        try {
            service.serve("local", unsupported.toString(), e -> { });
            answer = service.chatCompletion("local", ask(unsupported.toString(), "Hello")).text();
        } catch (LlmException e) {
            failure = e;
            if (e.origin() != Origin.MODEL_LOAD) {
                throw e;
            }
            // Fall back: the same conversation on another instance.
            Llm other = service.find("cloud").orElseGet(() -> service.create("cloud",
                    OpenAiConfig.of("sk-test").withBaseUrl(upstream.baseUrl())));
            answer = service.chatCompletion(other.name(), ask(FakeUpstream.MODEL, "Hello")).text();
        }
        assertThat(failure).isNotNull();
        assertThat(failure.loadFailure()).contains(LoadFailure.UNSUPPORTED_ARCHITECTURE);
        assertThat(failure.getMessage()).contains("mamba");
        assertThat(answer).isEqualTo(String.join("", FakeUpstream.STORY));
    }

    @Test
    void aDamagedFileIsACorruptFileLoadFailure() throws IOException {
        Path damaged = scratch().resolve("damaged.gguf");
        java.nio.file.Files.write(damaged, "GGUF but not really a model file".getBytes());
        service().create("local", LocalConfig.defaults().withThreads(1));
        try {
            service().serve("local", damaged.toString(), e -> { });
            throw new AssertionError("a damaged file was served");
        } catch (LlmException e) {
            assertThat(e.origin()).isEqualTo(Origin.MODEL_LOAD);
            assertThat(e.loadFailure()).contains(LoadFailure.CORRUPT_FILE);
        }
    }

    @Test
    void aMissingModelIsAModelNotFoundLoadFailure() {
        service().create("local", LocalConfig.defaults().withThreads(1));
        try {
            service().serve("local", scratch().resolve("nothing-here.gguf").toString(), e -> { });
            throw new AssertionError("a missing file was served");
        } catch (LlmException e) {
            assertThat(e.origin()).isEqualTo(Origin.MODEL_LOAD);
            assertThat(e.loadFailure()).contains(LoadFailure.MODEL_NOT_FOUND);
        }
    }

    /** An upstream that is down is the upstream's failure, told apart from the service's own. */
    @Test
    void anUnreachableUpstreamIsAnUpstreamFailure() {
        int port = upstream.port();
        upstream.close();
        LlmService service = service();
        service.create("cloud", OpenAiConfig.of("sk-test").withBaseUrl("http://127.0.0.1:" + port + "/v1"));
        try {
            service.chatCompletion("cloud", ask(FakeUpstream.MODEL, "Hello"));
            throw new AssertionError("a closed upstream answered");
        } catch (LlmException e) {
            assertThat(e.origin()).isEqualTo(Origin.UPSTREAM);
            assertThat(e.loadFailure()).isEmpty();
        } finally {
            upstream = new FakeUpstream();
        }
    }
}
