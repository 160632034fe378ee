package dev.jllm.tests.behaviour;

import dev.jllm.models.testing.TestData;
import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.CurrentModel;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.LlmInfo;
import dev.jllm.api.LlmService;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.ServiceInfo;
import dev.jllm.api.Subscription;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.Model;
import dev.jllm.api.openai.StreamOptions;
import dev.jllm.tests.support.FakeUpstream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link LlmService} does, whatever mode it runs in: the same tests run against {@code LlmServiceMain}
 * in this JVM ({@link MainModeBehaviourTest}) and against {@code LlmServiceProxy} talking to a {@code jllm serve}
 * process ({@link ProxyModeBehaviourTest}). Local instances run stories260K; the text they write is checked
 * against the engine run directly ({@link ReferenceEngine}), so both modes must give exactly what the engine
 * gives. Each test starts from an empty service.
 */
abstract class LlmServiceBehaviour {

    static final String TINY = "tiny";

    /** The service under test; shared by the tests of a class. */
    abstract LlmService service();

    /** "main" or "proxy". */
    abstract String mode();

    /** The Hub that {@code serve} pulls {@link MiniHub#REF} from. */
    abstract MiniHub hub();

    /** The stories260K file, on the machine where the engine runs. */
    Path model() {
        return TestData.stories260k();
    }

    /** Removes every instance, whoever made it (a proxy's clear() removes only its own). */
    void clearAll() {
        service().clear();
    }

    @BeforeEach
    void startEmpty() {
        clearAll();
        assertThat(service().list()).isEmpty();
        assertThat(service().currentModel()).isEmpty();
    }

    /** A local instance serving stories260K; one thread, as the test machines are small. */
    final LocalConfig tiny() {
        return LocalConfig.of(model().toString()).withThreads(1);
    }

    /**
     * The models an instance has in memory: a local instance also lists the store's models it could load
     * ({@code loaded} false), which depend on what earlier tests pulled.
     */
    static List<Model> loaded(List<Model> models) {
        return models.stream().filter(m -> !Boolean.FALSE.equals(m.loaded())).toList();
    }

    static ChatCompletionRequest ask(String model, String text, int maxTokens) {
        return ChatCompletionRequest.builder().model(model).messages(ChatMessage.user(text)).maxTokens(maxTokens)
                .temperature(0.0).build();
    }

    // ------------------------------------------------------------------ instances

    @Test
    void createsListsDescribesAndRemovesALocalInstance() {
        LlmService s = service();
        var llm = s.create(TINY, tiny());
        assertThat(llm.name()).isEqualTo(TINY);
        assertThat(llm.type()).isEqualTo(LlmConfig.LOCAL);
        assertThat(llm.config()).isEqualTo(tiny());

        assertThat(s.list()).containsExactly(TINY);
        assertThat(s.has(TINY)).isTrue();
        assertThat(s.has("other")).isFalse();
        assertThat(s.get(TINY).type()).isEqualTo(LlmConfig.LOCAL);
        LlmInfo info = s.info(TINY);
        assertThat(info.name()).isEqualTo(TINY);
        assertThat(info.type()).isEqualTo(LlmConfig.LOCAL);
        assertThat(info.ready()).isTrue();
        assertThat(info.loadedModels()).containsExactly(model().toString());
        assertThat(s.isReady(TINY)).isTrue();
        assertThat(loaded(s.models(TINY))).extracting(Model::id).containsExactly(model().toString());
        assertThat(loaded(s.get(TINY).models())).extracting(Model::id).containsExactly(model().toString());

        assertThat(s.remove(TINY)).isTrue();
        assertThat(s.has(TINY)).isFalse();
        assertThat(s.list()).isEmpty();
        assertThat(s.remove(TINY)).isFalse();
    }

    @Test
    void infoReportsTheModeTheInstancesAndTheCurrentModel() {
        LlmService s = service();
        s.create(TINY, tiny());
        s.create("empty", LocalConfig.defaults().withThreads(1));
        assertThat(s.isReady()).isFalse(); // no current model yet
        s.setCurrentModel(model().toString(), null, TINY);

        ServiceInfo info = s.info();
        assertThat(info.mode()).isEqualTo(mode());
        assertThat(info.currentModel()).isEqualTo(new CurrentModel(model().toString(), LlmConfig.LOCAL, TINY));
        assertThat(info.instances()).extracting(LlmInfo::name).containsExactly("empty", TINY);
        assertThat(info.instances()).extracting(LlmInfo::ready).containsExactly(false, true);
        assertThat(s.isReady()).isTrue();
        assertThat(s.isReady("empty")).isFalse();
    }

    // ------------------------------------------------------------------ current model

    @Test
    void currentModelIsSetReadAndClearedAndListenersHearEveryChange() {
        LlmService s = service();
        s.create(TINY, tiny());
        List<String> heard = new CopyOnWriteArrayList<>();
        CurrentModel expected = new CurrentModel(model().toString(), LlmConfig.LOCAL, TINY);
        Subscription sub = s.onCurrentModelChange((previous, current) ->
                heard.add(describe(previous) + " -> " + describe(current)));
        try {
            CurrentModel set = s.setCurrentModel(model().toString(), null, TINY);
            assertThat(set).isEqualTo(expected);
            assertThat(s.currentModel()).contains(expected);
            // Told before the call returns, in both modes.
            assertThat(heard).containsExactly("none -> " + TINY);

            s.setCurrentModel(model().toString(), LlmConfig.LOCAL, TINY); // the same again: no change
            s.clearCurrentModel();
            assertThat(s.currentModel()).isEmpty();
            assertThat(heard).containsExactly("none -> " + TINY, TINY + " -> none");

            sub.close();
            s.setCurrentModel(model().toString(), null, TINY);
            assertThat(heard).hasSize(2);
        } finally {
            sub.close(); // twice is harmless
        }
        assertThat(s.currentModel()).contains(expected);
    }

    @Test
    void removingTheCurrentModelsInstanceClearsItAndTellsListeners() {
        LlmService s = service();
        s.create(TINY, tiny());
        s.setCurrentModel(model().toString(), null, TINY);
        List<String> heard = new CopyOnWriteArrayList<>();
        Subscription sub = s.onCurrentModelChange((previous, current) ->
                heard.add(describe(previous) + " -> " + describe(current)));
        try {
            assertThat(s.remove(TINY)).isTrue();
            assertThat(s.currentModel()).isEmpty();
            assertThat(heard).containsExactly(TINY + " -> none");
        } finally {
            sub.close();
        }
    }

    // ------------------------------------------------------------------ chat

    @Test
    void wholeChatOnStories260kIsWhatTheEngineWrites() {
        LlmService s = service();
        s.create(TINY, tiny());
        s.setCurrentModel(model().toString(), null, TINY);
        ChatCompletionRequest req = ask(null, "Once upon a time", 24);
        String expected = ReferenceEngine.text(model(), req.withModel(model().toString()));

        ChatCompletion viaCurrent = s.chatCompletion(req);
        assertThat(viaCurrent.choices()).hasSize(1);
        assertThat(viaCurrent.choices().getFirst().message().role()).isEqualTo("assistant");
        assertThat(viaCurrent.choices().getFirst().message().text()).isEqualTo(expected).isNotEmpty();
        assertThat(viaCurrent.choices().getFirst().finishReason()).isEqualTo("length");
        assertThat(viaCurrent.model()).isEqualTo(model().toString());
        assertThat(viaCurrent.usage().completionTokens()).isEqualTo(24);
        assertThat(viaCurrent.usage().promptTokens()).isPositive();

        ChatCompletion viaName = s.chatCompletion(TINY, req);
        assertThat(viaName.choices().getFirst().message().text()).isEqualTo(expected);
        ChatCompletion viaHandle = s.get(TINY).chatCompletion(req.withModel(model().toString()));
        assertThat(viaHandle.choices().getFirst().message().text()).isEqualTo(expected);
    }

    @Test
    void streamedChatAddsUpToTheWholeAnswerWithRoleFinishAndUsage() {
        LlmService s = service();
        s.create(TINY, tiny());
        ChatCompletionRequest req = ask(model().toString(), "The little dog", 20).withStream(true).toBuilder()
                .streamOptions(StreamOptions.INCLUDE_USAGE).build();
        String expected = ReferenceEngine.text(model(), req.withStream(false));

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (ChatCompletionStream stream = s.chatCompletionStream(TINY, req)) {
            stream.forEach(chunks::add);
        }
        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.text()));
        assertThat(text.toString()).isEqualTo(expected);
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices().getFirst().finishReason()).isEqualTo("length");
        ChatCompletionChunk usage = chunks.getLast();
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage().completionTokens()).isEqualTo(20);
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.getFirst().id());

        s.setCurrentModel(model().toString(), null, TINY);
        assertThat(s.chatCompletionStream(ask(null, "The little dog", 20)).collect().choices().getFirst()
                .message().text()).isEqualTo(expected);
    }

    @Test
    void closingAStreamEarlyEndsItQuietlyAndTheInstanceGoesOn() {
        LlmService s = service();
        s.create(TINY, tiny());
        ChatCompletionStream stream = s.chatCompletionStream(TINY, ask(model().toString(), "Tom", 400));
        Iterator<ChatCompletionChunk> it = stream.iterator();
        for (int i = 0; i < 3; i++) {
            assertThat(it.hasNext()).isTrue();
            it.next();
        }
        stream.close();
        assertThat(it.hasNext()).isFalse();
        stream.close(); // twice is harmless

        ChatCompletionRequest next = ask(model().toString(), "Tom", 8);
        assertThat(s.chatCompletion(TINY, next).choices().getFirst().message().text())
                .isEqualTo(ReferenceEngine.text(model(), next));
    }

    // ------------------------------------------------------------------ model lifecycle

    @Test
    void serveReportsDownloadAndLoadProgressThenTheModelAnswers() {
        LlmService s = service();
        forgetPulledModel();
        s.create("pulled", LocalConfig.defaults().withThreads(1));
        assertThat(loaded(s.models("pulled"))).isEmpty();
        List<ProgressEvent> progress = new CopyOnWriteArrayList<>();

        s.serve("pulled", MiniHub.REF, progress::add);

        assertThat(progress).extracting(ProgressEvent::stage).contains("downloading", "loading");
        ProgressEvent lastDownload = progress.stream().filter(e -> e.stage().equals("downloading"))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(lastDownload.bytesDone()).isEqualTo(hub().size());
        assertThat(lastDownload.bytesTotal()).isEqualTo(hub().size());
        assertThat(progress.indexOf(lastDownload)).isLessThan(progress.stream().map(ProgressEvent::stage).toList()
                .indexOf("loading"));
        assertThat(loaded(s.models("pulled"))).extracting(Model::id).containsExactly(MiniHub.REF);
        assertThat(s.isReady("pulled")).isTrue();

        ChatCompletionRequest req = ask(MiniHub.REF, "A cat", 10);
        assertThat(s.chatCompletion("pulled", req).choices().getFirst().message().text())
                .isEqualTo(ReferenceEngine.text(model(), req.withModel(model().toString())));

        // Serving what is loaded already is quick and says so.
        List<ProgressEvent> again = new CopyOnWriteArrayList<>();
        s.setCurrentModel(MiniHub.REF, null, "pulled");
        s.serve(MiniHub.REF, again::add);
        assertThat(again).extracting(ProgressEvent::stage).contains("ready").doesNotContain("downloading");
    }

    @Test
    void unloadFreesAModelAndAnUnloadedOneIsNotFound() {
        LlmService s = service();
        s.create(TINY, tiny());
        s.setCurrentModel(model().toString(), null, TINY);
        s.unload(model().toString());
        assertThat(loaded(s.models(TINY))).isEmpty();
        assertThat(s.isReady(TINY)).isFalse();
        assertKind(() -> s.unload(TINY, model().toString()), Kind.NOT_FOUND);
        // A model given by its file is loaded again when a request names it.
        ChatCompletionRequest req = ask(model().toString(), "Hi", 4);
        assertThat(s.chatCompletion(TINY, req).choices().getFirst().message().text())
                .isEqualTo(ReferenceEngine.text(model(), req));
        assertThat(loaded(s.models(TINY))).extracting(Model::id).containsExactly(model().toString());
    }

    @Test
    void deleteModelRemovesItFromTheStoreSoTheNextServePullsItAgain() {
        LlmService s = service();
        forgetPulledModel();
        s.create("pulled", LocalConfig.defaults().withThreads(1));
        s.serve("pulled", MiniHub.REF, ProgressListener.NONE);
        int downloads = hub().downloads();

        s.deleteModel("pulled", MiniHub.REF);
        assertThat(loaded(s.models("pulled"))).isEmpty();
        assertKind(() -> s.deleteModel("pulled", MiniHub.REF), Kind.NOT_FOUND);

        List<ProgressEvent> progress = new CopyOnWriteArrayList<>();
        s.serve("pulled", MiniHub.REF, progress::add);
        assertThat(hub().downloads()).isEqualTo(downloads + 1);
        assertThat(progress).extracting(ProgressEvent::stage).contains("downloading");

        // Files outside the store are never deleted.
        s.create(TINY, tiny());
        assertKind(() -> s.deleteModel(TINY, model().toString()), Kind.INVALID_REQUEST);
        assertThat(model()).exists();
    }

    // ------------------------------------------------------------------ errors

    @Test
    void unknownInstancesAreNotFoundWhateverTheOperation() {
        LlmService s = service();
        ChatCompletionRequest req = ask("m", "hi", 4);
        assertKind(() -> s.get("nope"), Kind.NOT_FOUND);
        assertKind(() -> s.info("nope"), Kind.NOT_FOUND);
        assertKind(() -> s.isReady("nope"), Kind.NOT_FOUND);
        assertKind(() -> s.models("nope"), Kind.NOT_FOUND);
        assertKind(() -> s.chatCompletion("nope", req), Kind.NOT_FOUND);
        assertKind(() -> s.chatCompletionStream("nope", req), Kind.NOT_FOUND);
        assertKind(() -> s.serve("nope", MiniHub.REF, ProgressListener.NONE), Kind.NOT_FOUND);
        assertKind(() -> s.unload("nope", "m"), Kind.NOT_FOUND);
        assertKind(() -> s.deleteModel("nope", "m"), Kind.NOT_FOUND);
        assertKind(() -> s.setCurrentModel("m", null, "nope"), Kind.NOT_FOUND);
        assertThat(s.remove("nope")).isFalse();
    }

    @Test
    void badCreationsAreRefused() {
        LlmService s = service();
        s.create(TINY, tiny());
        assertKind(() -> s.create(TINY, tiny()), Kind.CONFLICT);
        assertKind(() -> s.create("-bad", tiny()), Kind.INVALID_REQUEST);
        assertKind(() -> s.create("x".repeat(65), tiny()), Kind.INVALID_REQUEST);
        // In-process, a file that is not there is a bad configuration; a server answers a path outside its
        // --models-dir as it answers any model it does not have (issue 14: it says nothing about its disk).
        assertKind(() -> s.create("missing", LocalConfig.of("/nonexistent/model.gguf")),
                mode().equals("proxy") ? Kind.NOT_FOUND : Kind.INVALID_REQUEST);
        assertThat(s.list()).containsExactly(TINY);
    }

    @Test
    void callsWithoutACurrentModelOrWithAWrongOneAreInvalid() {
        LlmService s = service();
        s.create(TINY, tiny());
        ChatCompletionRequest noModel = ask(null, "hi", 4);
        assertKind(() -> s.chatCompletion(noModel), Kind.INVALID_REQUEST);
        assertKind(() -> s.chatCompletionStream(noModel), Kind.INVALID_REQUEST);
        assertKind(() -> s.models(), Kind.INVALID_REQUEST);
        assertKind(() -> s.serve(MiniHub.REF, ProgressListener.NONE), Kind.INVALID_REQUEST);
        assertKind(() -> s.chatCompletion(TINY, noModel), Kind.INVALID_REQUEST);
        assertKind(() -> s.setCurrentModel(model().toString(), LlmConfig.OPENAI, TINY), Kind.INVALID_REQUEST);
        assertKind(() -> s.setCurrentModel(" ", null, TINY), Kind.INVALID_REQUEST);
        assertThat(s.currentModel()).isEmpty();
    }

    @Test
    void requestsTheEngineCannotHonourKeepTheirKind() {
        LlmService s = service();
        s.create(TINY, tiny().withContextSize(32));
        String path = model().toString();
        assertKind(() -> s.chatCompletion(TINY, ask("no-such-model", "hi", 4)), Kind.NOT_FOUND);
        // more choices than the instance runs and queues at once
        assertKind(() -> s.chatCompletion(TINY, ask(path, "hi", 4).toBuilder().n(1000).build()),
                Kind.INVALID_REQUEST);
        ChatCompletionRequest longPrompt = ask(path, "once upon a time ".repeat(40), 4);
        assertKind(() -> s.chatCompletion(TINY, longPrompt), Kind.CONTEXT_LENGTH_EXCEEDED);
        // by how much, as counts a client can shorten the conversation by (in proxy mode: through the jobs API),
        // once the prompt was tokenized (one too long in characters alone is refused before that, without counts)
        ChatCompletionRequest overByTokens = ask(path, "once upon a time ".repeat(10), 4);
        assertThatThrownBy(() -> s.chatCompletion(TINY, overByTokens)).isInstanceOfSatisfying(LlmException.class,
                e -> assertThat(e.contextOverflow()).hasValueSatisfying(o -> {
                    assertThat(o.contextSize()).isEqualTo(32);
                    assertThat(o.promptTokens()).isGreaterThan(32);
                }));
        // A stream that cannot start fails in the call, before any chunk, as an HTTP provider's does.
        assertKind(() -> s.chatCompletionStream(TINY, longPrompt), Kind.CONTEXT_LENGTH_EXCEEDED);
        assertKind(() -> s.serve(TINY, "hf.co/jllm-test/no-such-repo:F32", ProgressListener.NONE), Kind.NOT_FOUND);
    }

    // ------------------------------------------------------------------ remote (HTTP) instances

    @Test
    void anOpenAiInstanceWorksBesideTheEngineAndCanBeTheCurrentModel() {
        LlmService s = service();
        try (FakeUpstream upstream = new FakeUpstream()) {
            s.create(TINY, tiny());
            var remote = s.create("remote", LlmConfig.fromMap(LlmConfig.OPENAI, Map.of("base_url",
                    upstream.baseUrl(), "api_key", "k")));
            assertThat(remote.type()).isEqualTo(LlmConfig.OPENAI);
            assertThat(s.list()).containsExactly("remote", TINY);
            assertKind(() -> s.create("remote", tiny()), Kind.CONFLICT);
            assertKind(() -> s.create(TINY, LlmConfig.fromMap(LlmConfig.OLLAMA, Map.of())), Kind.CONFLICT);
            assertThat(s.models("remote")).extracting(Model::id)
                    .containsExactly(FakeUpstream.MODEL, FakeUpstream.OTHER_MODEL);
            assertThat(s.info("remote").location()).isEqualTo(upstream.baseUrl());
            assertKind(() -> s.serve("remote", "x", ProgressListener.NONE), Kind.NOT_SUPPORTED);

            List<String> heard = new CopyOnWriteArrayList<>();
            Subscription sub = s.onCurrentModelChange((p, c) -> heard.add(describe(p) + " -> " + describe(c)));
            try {
                s.setCurrentModel(model().toString(), null, TINY);
                s.setCurrentModel(FakeUpstream.MODEL, null, "remote");
                assertThat(s.currentModel()).contains(new CurrentModel(FakeUpstream.MODEL, LlmConfig.OPENAI,
                        "remote"));
                assertThat(s.info().currentModel().serviceName()).isEqualTo("remote");
                assertThat(s.chatCompletion(ask(null, "hi", 100)).choices().getFirst().message().text())
                        .isEqualTo(String.join("", FakeUpstream.STORY));
                assertThat(upstream.lastChatRequest().getString("model")).isEqualTo(FakeUpstream.MODEL);
                assertThat(s.chatCompletionStream(ask(null, "hi", 3)).collect().choices().getFirst().message()
                        .text()).isEqualTo(String.join("", FakeUpstream.STORY.subList(0, 3)));
                // The engine is still reachable by name, and becomes current again.
                ChatCompletionRequest req = ask(path(), "Once", 6);
                assertThat(s.chatCompletion(TINY, req).choices().getFirst().message().text())
                        .isEqualTo(ReferenceEngine.text(model(), req));
                s.setCurrentModel(model().toString(), null, TINY);
                assertThat(heard).containsExactly("none -> " + TINY, TINY + " -> remote", "remote -> " + TINY);

                s.setCurrentModel(FakeUpstream.MODEL, null, "remote");
                assertThat(s.remove("remote")).isTrue();
                assertThat(s.currentModel()).isEmpty();
                assertThat(heard).endsWith(TINY + " -> remote", "remote -> none");
            } finally {
                sub.close();
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Removes {@link MiniHub#REF} from the model store if an earlier test pulled it, so this one pulls it. */
    final void forgetPulledModel() {
        LlmService s = service();
        s.create("cleanup", LocalConfig.defaults().withThreads(1));
        try {
            s.deleteModel("cleanup", MiniHub.REF);
        } catch (LlmException e) {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(Kind.NOT_FOUND);
        } finally {
            s.remove("cleanup");
        }
    }

    final String path() {
        return model().toString();
    }

    static String describe(Optional<CurrentModel> c) {
        return c.map(CurrentModel::serviceName).orElse("none");
    }

    static void assertKind(ThrowingCallable call, Kind kind) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                .as("kind of: %s", e.getMessage()).isEqualTo(kind));
    }
}
