package dev.jllm.tests.ui;

import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /} and the page's files, over plain HTTP (no browser needed): Ollama's probe answer for clients that do
 * not ask for HTML, the page for browsers, every file the page loads served without the API key, and nothing
 * else opened up by that.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatPageRouteTest {

    private static final String KEY = "route-test-key";
    private static final Pattern LOADS = Pattern.compile("(?:src|href)=\"(/ui/[^\"]+)\"|from '\\./([^']+)'");

    private TestServer server;
    private Http anonymous;

    @BeforeAll
    void start() {
        server = TestServer.start(c -> c.withApiKey(KEY));
        anonymous = new Http(server.baseUrl(), null);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void clientsThatDoNotAskForHtmlGetOllamasProbeAnswer() {
        HttpResponse<String> get = anonymous.get("/");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain"));
        assertThat(get.body()).isEqualTo("Ollama is running");
        assertThat(get.headers().allValues("Vary")).contains("Accept");

        HttpResponse<String> head = anonymous.send(anonymous.request("/")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Length")).hasValue("17");

        HttpResponse<String> json = anonymous.send(anonymous.request("/").header("Accept", "application/json")
                .GET().build());
        assertThat(json.body()).isEqualTo("Ollama is running");
    }

    @Test
    void browsersGetThePageWithoutTheKeyAndEveryFileItLoads() {
        HttpResponse<String> page = browserGet("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        // The policy that keeps the page from loading or calling anything elsewhere.
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'none'").contains("script-src 'self'").contains("connect-src 'self'"));
        for (String hook : new String[] {"model-select", "prompt", "send", "stop", "pull-ref", "pull",
                "pull-progress"}) {
            assertThat(page.body()).contains("data-testid=\"" + hook + "\"");
        }
        HttpResponse<String> headPage = anonymous.send(anonymous.request("/").header("Accept", "text/html")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(headPage.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(headPage.body()).isEmpty();

        // Every file the page and its scripts load, followed from index.html.
        Set<String> served = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        addLoads(page.body(), todo);
        while (!todo.isEmpty()) {
            String path = todo.pop();
            if (!served.add(path)) {
                continue;
            }
            HttpResponse<String> r = anonymous.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (path.endsWith(".js")) {
                assertThat(type).as(path).startsWith("text/javascript");
                addLoads(r.body(), todo);
            } else if (path.endsWith(".css")) {
                assertThat(type).as(path).startsWith("text/css");
            }
        }
        assertThat(served).contains("/ui/app.js", "/ui/app.css", "/ui/api.js", "/ui/chat.js", "/ui/markdown.js",
                "/ui/highlight.js", "/ui/conversations.js", "/ui/models-panel.js");
    }

    @Test
    void theKeyStillGuardsTheApiAndOnlyThePagesFilesAreServed() {
        assertThat(anonymous.get("/v1/models").statusCode()).isEqualTo(401);
        assertThat(server.http().get("/v1/models").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/ui/nothing.js").statusCode()).isEqualTo(404);
        assertThat(anonymous.get("/ui/%2e%2e%2fJllmServer.class").statusCode()).isEqualTo(404);
        assertThat(anonymous.get("/ui/..%2f..%2fMETA-INF%2fMANIFEST.MF").statusCode()).isEqualTo(404);
        assertThat(anonymous.get("/uix").statusCode()).isEqualTo(401);
        HttpResponse<String> post = anonymous.post("/", "{}");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(Http.json(post).getJsonObject("error").getString("message")).isEqualTo("Invalid URL (POST /)");
    }

    private HttpResponse<String> browserGet(String path) {
        return anonymous.send(anonymous.request(path)
                .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").GET().build());
    }

    private static void addLoads(String text, Deque<String> into) {
        Matcher m = LOADS.matcher(text);
        while (m.find()) {
            into.add(m.group(1) != null ? m.group(1) : "/ui/" + m.group(2));
        }
    }
}
