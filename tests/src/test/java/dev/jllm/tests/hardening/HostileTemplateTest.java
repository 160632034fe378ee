package dev.jllm.tests.hardening;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.gguf.GgufTensorInfo;
import dev.jllm.models.gguf.GgufWriter;
import dev.jllm.models.testing.TestData;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.server.cli.JllmCli;
import dev.jllm.template.ChatTemplate;
import dev.jllm.template.ChatTemplateException;
import dev.jllm.template.RenderBudget;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Chat templates are untrusted code with a time and output budget ({@link RenderBudget#DEFAULT}). A model whose own
 * template loops for minutes (three nested {@code range(1000)} loops: 10^9 iterations) loads with that template
 * marked unusable, says so in {@code /props} and {@code jllm show}, and chats with a generic template; a template
 * given with {@code --chat-template-file} that only explodes for some conversations answers those with a 400
 * naming the template, within seconds, while the server stays ready and other requests are served.
 */
class HostileTemplateTest {

    private static final String LOOPS_FOR_MINUTES = "{% for i in range(1000) %}{% for j in range(1000) %}"
            + "{% for k in range(1000) %}{% endfor %}{% endfor %}{% endfor %}"
            + "{% for m in messages %}{{ m.content }}{% endfor %}";

    /** Fine for every conversation except one that mentions "boom": 10^10 iterations then. */
    private static final String EXPLODES_ON_BOOM = "{% for m in messages %}"
            + "{% if m.content is string and 'boom' in m.content %}"
            + "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{% endif %}"
            + "{{ m.content }}{% endfor %}";

    private static final String NORMAL = Http.chat("stories", "Once upon a time", "\"max_tokens\":4",
            "\"temperature\":0");

    @Test
    void aRunawayTemplateIsDeclaredUnusableAtLoadAndAnExplodingOneFailsOnlyItsRequest() throws Exception {
        Path stories = TestData.stories260k();
        Path dir = Files.createDirectories(Path.of("target", "hostile-template"));
        Path hostile = withTemplate(stories, dir.resolve("stories-hostile-template.gguf"), LOOPS_FOR_MINUTES);
        Path boomFile = dir.resolve("explodes-on-boom.jinja");
        Files.writeString(boomFile, EXPLODES_ON_BOOM);

        long tried = System.nanoTime();
        assertThatThrownBy(() -> ChatTemplate.of(LOOPS_FOR_MINUTES, null, null))
                .isInstanceOfSatisfying(ChatTemplateException.class, e -> assertThat(e.overBudget()).isTrue());
        System.out.printf("hostile template: declared unusable after %.2f s of trying it%n",
                (System.nanoTime() - tried) / 1e9);

        // jllm show says the file's template is not used, and why
        StringWriter shown = new StringWriter();
        CommandLine cli = JllmCli.commandLine();
        cli.setOut(new PrintWriter(shown, true));
        assertThat(cli.execute("show", hostile.toString())).isZero();
        assertThat(shown.toString()).containsPattern("chat template +not used, a generic one is \\(chat template is"
                + " unusable");

        long start = System.nanoTime();
        try (TestServer server = TestServer.start(c -> c.withModels(List.of(
                new ModelSpec(stories.toString(), "stories"),
                new ModelSpec(hostile.toString(), "hostile"),
                new ModelSpec(stories.toString(), "picky", null, boomFile.toString()))), List.of(), false)) {
            Http http = server.http();
            double ready = awaitHealthy(http, start);
            System.out.printf("hostile template: server healthy %.2f s after start (three models, one with a"
                    + " template that loops for minutes; budget %d ms per render)%n", ready,
                    RenderBudget.DEFAULT.time().toMillis());

            // The model loaded; its template is marked unusable with the reason, and chats use a generic one.
            HttpResponse<String> props = http.get("/props?model=hostile");
            assertThat(props.statusCode()).as(props.body()).isEqualTo(200);
            JsonObject p = Http.json(props);
            assertThat(p.getBoolean("chat_template_builtin")).isFalse();
            assertThat(p.getString("chat_template_problem")).contains("unusable")
                    .contains(RenderBudget.DEFAULT.time().toMillis() + " ms");
            assertThat(p.getString("chat_template")).doesNotContain("range(1000)");
            // (the first may wait for the model's load to finish: health does not wait for every model)
            double first = timed(http, Http.chat("hostile", "Once upon a time", "\"max_tokens\":4"), 200);
            double next = timed(http, Http.chat("hostile", "Once upon a time", "\"max_tokens\":4"), 200);
            System.out.printf("hostile template: chats with the fallback template answered in %.2f s, then %.2f s%n",
                    first, next);

            // The template given for "picky" works for most conversations ...
            timed(http, Http.chat("picky", "Once upon a time", "\"max_tokens\":4"), 200);
            // ... and one that sets it off is refused within its budget, while other requests go on.
            CompletableFuture<HttpResponse<String>> boom = CompletableFuture.supplyAsync(
                    () -> http.post("/v1/chat/completions", Http.chat("picky", "boom", "\"max_tokens\":4")));
            long boomStart = System.nanoTime();
            double beside = timed(http, NORMAL, 200);
            HttpResponse<String> refused = boom.get();
            double boomSeconds = (System.nanoTime() - boomStart) / 1e9;
            System.out.printf("hostile template: the exploding conversation was refused in %.2f s; a normal request"
                    + " beside it took %.2f s%n", boomSeconds, beside);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            JsonObject error = Http.json(refused).getJsonObject("error");
            assertThat(error.getString("message")).contains("chat template")
                    .contains("more than " + RenderBudget.DEFAULT.time().toMillis() + " ms");
            // The budget ended it (10^10 iterations would take hours); slack for a busy machine.
            double budget = RenderBudget.DEFAULT.time().toMillis() / 1000.0;
            assertThat(boomSeconds).isGreaterThanOrEqualTo(budget).isLessThan(budget + 25);
            assertThat(beside).as("a normal request is served while the bad one renders").isLessThan(boomSeconds);

            // Nothing is left stuck: healthy, and the same model serves the next conversation.
            assertThat(http.get("/health").statusCode()).isEqualTo(200);
            timed(http, Http.chat("picky", "Once upon a time", "\"max_tokens\":4"), 200);
        }
    }

    /** A copy of {@code source} whose {@code tokenizer.chat_template} is {@code template}. */
    private static Path withTemplate(Path source, Path target, String template) throws IOException {
        try (GgufFile in = GgufFile.open(source)) {
            GgufWriter w = new GgufWriter().copyMetadata(in).putString("tokenizer.chat_template", template);
            for (GgufTensorInfo t : in.tensors()) {
                w.addTensor(t.name(), t.type(), t.shape().toArray(), in.data(t));
            }
            w.write(target);
        }
        return target;
    }

    private static double awaitHealthy(Http http, long start) throws InterruptedException {
        while (System.nanoTime() - start < 60_000_000_000L) {
            if (http.get("/health").statusCode() == 200) {
                return (System.nanoTime() - start) / 1e9;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server was not healthy within 60 s");
    }

    private static double timed(Http http, String body, int status) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.post("/v1/chat/completions", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return (System.nanoTime() - t0) / 1e9;
    }
}
