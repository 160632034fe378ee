package dev.jllm.providers;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.CurrentModel;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.LmStudioConfig;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.OllamaConfig;
import dev.jllm.api.OpenAiConfig;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.Subscription;
import dev.jllm.api.json.Json;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.providers.testing.FakeServer;
import dev.jllm.providers.testing.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.jllm.providers.testing.FakeServer.write;
import static dev.jllm.providers.testing.Wire.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@Timeout(30)
class LlmServiceMainTest {

    private static final ChatCompletionRequest NO_MODEL =
            ChatCompletionRequest.builder().message(ChatMessage.user("Hello")).build();

    @TempDir
    Path home;

    private final FakeServer server = new FakeServer();
    private final List<LlmServiceMain> services = new ArrayList<>();

    @AfterEach
    void stop() {
        services.forEach(LlmServiceMain::close);
        server.close();
    }

    private LlmServiceMain service() {
        LlmServiceMain s = new LlmServiceMain(home);
        services.add(s);
        return s;
    }

    private OpenAiConfig openai() {
        return new OpenAiConfig("sk-test", server.baseUrl(), null);
    }

    private void answerChat() {
        server.route("/v1/chat/completions", (ex, body) -> {
            ChatCompletionRequest r = Json.fromJson(body, ChatCompletionRequest.class);
            if (Boolean.TRUE.equals(r.stream())) {
                OutputStream out = FakeServer.startSse(ex);
                write(out, event(Wire.chunk(r.model(), "streamed ")));
                write(out, event(Wire.chunk(r.model(), "by " + r.model())));
                write(out, "data: [DONE]\n\n");
            } else {
                FakeServer.json(ex, 200, Wire.completion(r.model(), "whole by " + r.model()));
            }
        });
    }

    @Test
    void findsTheHttpTypesThroughTheSpi() {
        assertThat(service().types()).contains("openai", "ollama", "lmstudio");
    }

    @Test
    void managesNamedInstances() {
        LlmServiceMain s = service();
        Llm a = s.create("a", openai());
        s.create("b", OllamaConfig.of(server.baseUrl()));
        assertThat(a.name()).isEqualTo("a");
        assertThat(a.type()).isEqualTo("openai");
        assertThat(s.get("a")).isSameAs(a);
        assertThat(s.has("b")).isTrue();
        assertThat(s.has("c")).isFalse();
        assertThat(s.list()).containsExactly("a", "b");
        assertThat(s.get("b").config()).isEqualTo(OllamaConfig.of(server.baseUrl()));

        assertThatThrownBy(() -> s.create("a", LmStudioConfig.defaults())).isInstanceOf(LlmException.class)
                .hasMessageContaining("'a' already exists")
                .extracting(e -> ((LlmException) e).kind()).isEqualTo(Kind.CONFLICT);

        assertThat(s.remove("a")).isTrue();
        assertThat(s.remove("a")).isFalse();
        assertThatThrownBy(() -> a.chatCompletion(NO_MODEL.withModel("m"))).hasMessageContaining("closed");
        assertThat(s.list()).containsExactly("b");
        s.clear();
        assertThat(s.list()).isEmpty();
    }

    @Test
    void namesAndTypesAreChecked() {
        LlmServiceMain s = service();
        for (String bad : new String[] {"", " a", "a/b", "-a", "x".repeat(65)}) {
            assertThatThrownBy(() -> s.create(bad, openai())).as(bad).isInstanceOf(LlmException.class)
                    .hasMessageContaining("invalid instance name");
        }
        LlmException e = catchThrowableOfType(LlmException.class, () -> s.create("l", LocalConfig.defaults()));
        assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST);
        assertThat(e).hasMessage("unknown instance type 'local'; available: lmstudio, ollama, openai");
        assertThat(s.list()).isEmpty();
    }

    @Test
    void missingInstancesAreNotFoundByName() {
        LlmServiceMain s = service();
        s.create("here", openai());
        for (Runnable r : List.<Runnable>of(() -> s.get("ghost"), () -> s.models("ghost"), () -> s.info("ghost"),
                () -> s.isReady("ghost"), () -> s.chatCompletion("ghost", NO_MODEL),
                () -> s.chatCompletionStream("ghost", NO_MODEL), () -> s.serve("ghost", "m", null),
                () -> s.unload("ghost", "m"), () -> s.deleteModel("ghost", "m"),
                () -> s.setCurrentModel("m", null, "ghost"))) {
            LlmException e = catchThrowableOfType(LlmException.class, r::run);
            assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
            assertThat(e).hasMessageContaining("'ghost'").hasMessageContaining("existing: here");
        }
    }

    @Test
    void chatGoesToTheCurrentModelOrTheNamedInstance() {
        answerChat();
        LlmServiceMain s = service();
        s.create("oa", openai());

        assertThatThrownBy(() -> s.chatCompletion(NO_MODEL)).isInstanceOf(LlmException.class)
                .hasMessageContaining("no current model");
        assertThatThrownBy(() -> s.chatCompletion("oa", NO_MODEL)).hasMessageContaining("names no model");
        assertThat(s.isReady()).isFalse();

        s.setCurrentModel("gpt-cur", "openai", "oa");
        assertThat(s.chatCompletion(NO_MODEL).text()).isEqualTo("whole by gpt-cur");
        assertThat(s.chatCompletion("oa", NO_MODEL).text()).isEqualTo("whole by gpt-cur");
        assertThat(s.chatCompletion(NO_MODEL.withModel("gpt-other")).text()).isEqualTo("whole by gpt-other");
        try (ChatCompletionStream st = s.chatCompletionStream(NO_MODEL)) {
            assertThat(st.collect().text()).isEqualTo("streamed by gpt-cur");
        }
        try (ChatCompletionStream st = s.chatCompletionStream("oa", NO_MODEL.withModel("x"))) {
            assertThat(st.collect().text()).isEqualTo("streamed by x");
        }
    }

    @Test
    void theCurrentModelSurvivesARestart() throws Exception {
        LlmServiceMain first = service();
        first.create("oa", openai());
        CurrentModel set = first.setCurrentModel("gpt-cur", null, "oa");
        assertThat(set).isEqualTo(new CurrentModel("gpt-cur", "openai", "oa"));
        first.close();

        Path file = home.resolve("current-model.json");
        assertThat(Files.readString(file))
                .isEqualTo("{\"model_id\":\"gpt-cur\",\"provider\":\"openai\",\"service_name\":\"oa\"}");
        try (var dir = Files.list(home)) {
            assertThat(dir).as("no temporary file is left behind")
                    .containsExactlyInAnyOrder(file, home.resolve("instances.json"));
        }

        LlmServiceMain second = service();
        assertThat(second.currentModel()).contains(set);
        // The instance was saved too: it is back, and the current model works at once.
        assertThat(second.list()).containsExactly("oa");
        answerChat();
        assertThat(second.chatCompletion(NO_MODEL).text()).isEqualTo("whole by gpt-cur");

        second.clearCurrentModel();
        assertThat(Files.exists(file)).isFalse();
        assertThat(service().currentModel()).isEmpty();
    }

    @Test
    void aCorruptStateFileMeansNoCurrentModel() throws Exception {
        Files.writeString(home.resolve("current-model.json"), "{not json");
        assertThat(service().currentModel()).isEmpty();
        Files.writeString(home.resolve("current-model.json"), "{\"model_id\":\"m\"}");
        assertThat(service().currentModel()).isEmpty();
    }

    @Test
    void aProviderThatDoesNotMatchIsRejected() {
        LlmServiceMain s = service();
        s.create("oa", openai());
        assertThatThrownBy(() -> s.setCurrentModel("m", "ollama", "oa"))
                .hasMessage("instance 'oa' is of type 'openai', not 'ollama'");
        assertThatThrownBy(() -> s.setCurrentModel(" ", null, "oa")).hasMessageContaining("model id");
        assertThat(s.currentModel()).isEmpty();
    }

    @Test
    void listenersHearEveryChangeUntilTheyUnsubscribe() {
        LlmServiceMain s = service();
        s.create("oa", openai());
        s.create("ol", OllamaConfig.of(server.baseUrl()));
        List<String> heard = new CopyOnWriteArrayList<>();
        s.onCurrentModelChange((prev, cur) -> {
            throw new IllegalStateException("a broken listener must not stop the others");
        });
        Subscription sub = s.onCurrentModelChange((prev, cur) -> heard.add(
                prev.map(CurrentModel::modelId).orElse("-") + ">" + cur.map(CurrentModel::modelId).orElse("-")));

        s.setCurrentModel("m1", null, "oa");
        s.setCurrentModel("m1", null, "oa"); // no change, no event
        s.setCurrentModel("m2", "ollama", "ol");
        s.clearCurrentModel();
        s.clearCurrentModel(); // nothing to clear, no event
        s.setCurrentModel("m3", null, "oa");
        s.remove("oa"); // its instance went away: the current model is cleared
        assertThat(heard).containsExactly("->m1", "m1>m2", "m2>-", "->m3", "m3>-");

        sub.close();
        sub.close();
        s.setCurrentModel("m4", null, "ol");
        assertThat(heard).hasSize(5);
        assertThat(s.currentModel().map(CurrentModel::modelId)).contains("m4");
    }

    @Test
    void servesModelsThroughTheCurrentInstance() {
        server.route("/api/pull", (ex, body) -> {
            OutputStream out = FakeServer.startNdjson(ex);
            write(out, "{\"status\":\"pulling abc\",\"total\":10,\"completed\":10}\n{\"status\":\"success\"}\n");
        });
        server.route("/api/generate", (ex, body) -> FakeServer.json(ex, 200, "{\"done\":true}"));
        LlmServiceMain s = service();
        s.create("ol", OllamaConfig.of(server.baseUrl()));
        s.setCurrentModel("tiny", null, "ol");
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        s.serve("tiny", events::add);
        assertThat(events).extracting(ProgressEvent::stage).containsExactly("pulling", "pulled", "loading", "done");
        s.unload("tiny");
        assertThat(server.last().body()).contains("\"keep_alive\":0");
        s.create("oa", openai());
        assertThatThrownBy(() -> s.serve("oa", "m", null)).hasMessage("serve is not supported by openai instances");
    }

    @Test
    void reportsStatus() {
        server.route("/v1/models", (ex, body) -> FakeServer.json(ex, 200,
                "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-cur\",\"object\":\"model\",\"created\":1,"
                        + "\"owned_by\":\"o\"}]}"));
        LlmServiceMain s = service();
        s.create("oa", openai());
        s.setCurrentModel("gpt-cur", null, "oa");
        assertThat(s.isReady()).isTrue();
        assertThat(s.isReady("oa")).isTrue();
        assertThat(s.models()).extracting(m -> m.id()).containsExactly("gpt-cur");
        var info = s.info();
        assertThat(info.mode()).isEqualTo("main");
        assertThat(info.currentModel()).isEqualTo(new CurrentModel("gpt-cur", "openai", "oa"));
        assertThat(info.instances()).extracting(i -> i.name()).containsExactly("oa");
        assertThat(s.info("oa").ready()).isTrue();
    }

    @Test
    void concurrentCreatesOfOneNameLetExactlyOneWin() throws Exception {
        LlmServiceMain s = service();
        for (int round = 0; round < 20; round++) {
            String name = "n" + round;
            AtomicInteger won = new AtomicInteger();
            AtomicInteger conflicts = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        s.create(name, openai());
                        won.incrementAndGet();
                    } catch (LlmException e) {
                        if (e.kind() == Kind.CONFLICT) {
                            conflicts.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(won.get()).as(name).isEqualTo(1);
            assertThat(conflicts.get()).as(name).isEqualTo(7);
        }
        assertThat(s.list()).hasSize(20);
    }

    @Test
    void concurrentCurrentModelChangesStayConsistent() throws Exception {
        LlmServiceMain s = service();
        s.create("oa", openai());
        List<Optional<CurrentModel>> seen = new CopyOnWriteArrayList<>();
        AtomicInteger events = new AtomicInteger();
        s.onCurrentModelChange((prev, cur) -> {
            events.incrementAndGet();
            seen.add(cur);
        });
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50; i++) {
                    s.setCurrentModel("m" + id + "-" + i, null, "oa");
                    s.currentModel().orElseThrow();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(events.get()).isEqualTo(400);
        // The last event heard is the state that is kept, in memory and on disk.
        assertThat(seen.getLast()).isEqualTo(s.currentModel());
        assertThat(service().currentModel()).isEqualTo(s.currentModel());
    }

    @Test
    void operationsOnTheCurrentInstanceNeedACurrentModel() {
        LlmServiceMain s = service();
        for (Runnable r : List.<Runnable>of(s::models, () -> s.serve("m", null), () -> s.unload("m"),
                () -> s.deleteModel("m"), () -> s.chatCompletionStream(NO_MODEL))) {
            LlmException e = catchThrowableOfType(LlmException.class, r::run);
            assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST);
            assertThat(e).hasMessageContaining("no current model");
        }
    }

    @Test
    void configsFromStringOptionsCreateInstances() {
        LlmServiceMain s = service();
        Llm llm = s.create("x", LlmConfig.fromMap("lmstudio", java.util.Map.of("base_url", server.baseUrl())));
        assertThat(llm.type()).isEqualTo("lmstudio");
        assertThat(llm.info().location()).isEqualTo(server.baseUrl());
    }

    @Test
    void aClosedServiceRefusesNewInstances() {
        LlmServiceMain s = service();
        s.close();
        assertThatThrownBy(() -> s.create("a", openai())).isInstanceOf(LlmException.class)
                .extracting(e -> ((LlmException) e).kind()).isEqualTo(Kind.UNAVAILABLE);
    }
}
