package dev.jllm.tests.hardening;

import dev.jllm.api.CurrentModel;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.models.testing.TestData;
import dev.jllm.proxy.LlmServiceProxy;
import dev.jllm.tests.support.FakeUpstream;
import dev.jllm.tests.support.Jobs;
import dev.jllm.tests.support.TestServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A proxy's own state: in-proxy (openai, ollama, lmstudio) instances can be made and used while the server is
 * down, and {@code clear()} removes what this proxy made, never the server's own instances or other clients'.
 */
class ProxyStateTest {

    @Test
    void inProxyInstancesWorkWhileTheServerIsDown() throws Exception {
        TestServer server = TestServer.start();
        String url = server.baseUrl();
        server.close(); // nothing listens there any more
        try (FakeUpstream up = new FakeUpstream();
             LlmServiceProxy proxy = LlmServiceProxy.builder(url).connectTimeout(Duration.ofSeconds(2))
                     .reconnectWindow(Duration.ofSeconds(1)).build()) {
            for (String type : new String[] {"openai", "ollama", "lmstudio"}) {
                String name = "offline-" + type;
                proxy.create(name, LlmConfig.fromMap(type, Map.of("base_url", up.baseUrl(), "api_key", "k")));
                var answer = proxy.chatCompletion(name, ChatCompletionRequest.builder().model(FakeUpstream.MODEL)
                        .messages(ChatMessage.user("hi")).build());
                assertThat(answer.text()).isNotBlank();
            }
            assertThat(proxy.setCurrentModel(FakeUpstream.MODEL, null, "offline-openai"))
                    .isEqualTo(new CurrentModel(FakeUpstream.MODEL, "openai", "offline-openai"));
            assertThatThrownBy(() -> proxy.setCurrentModel("no-such-model", null, "offline-openai"))
                    .hasMessageContaining("no-such-model");
            var answer = proxy.chatCompletion(ChatCompletionRequest.builder().messages(ChatMessage.user("hi"))
                    .build());
            assertThat(answer.text()).isNotBlank();
        }
    }

    @Test
    void clearRemovesOnlyWhatThisProxyMade() throws Exception {
        var model = TestData.stories260k();
        try (TestServer server = TestServer.start();
             FakeUpstream up = new FakeUpstream();
             LlmServiceProxy proxy = LlmServiceProxy.connect(server.baseUrl())) {
            Jobs jobs = new Jobs(server.http());
            String other = jobs.submit("instance.create", "{\"name\":\"other\",\"type\":\"openai\",\"config\":"
                    + "{\"base_url\":\"" + up.baseUrl() + "\",\"api_key\":\"k\"}}").getString("id");
            assertThat(jobs.await(other, Duration.ofSeconds(30)).getString("status")).isEqualTo("succeeded");

            proxy.create("mine", LocalConfig.of(model.toString()));      // on the server, made by this proxy
            proxy.create("here", LlmConfig.fromMap("openai", Map.of("base_url", up.baseUrl(), "api_key", "k")));
            assertThat(proxy.list()).contains("fake", "other", "mine", "here");

            proxy.clear();
            assertThat(proxy.list()).contains(TestServer.INSTANCE, "other").doesNotContain("mine", "here");
            assertThat(server.server().context().service().list()).containsExactlyInAnyOrder(TestServer.INSTANCE,
                    "other");
        }
    }
}
