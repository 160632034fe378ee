package dev.jllm.tests.hardening;

import dev.jllm.models.testing.TestData;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.TestServer;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Huge prompts are refused with 400 {@code context_length_exceeded} before they are rendered or tokenized, and do
 * not slow the other requests: four 15 MB prompts at once against stories260K (context 512) while a normal
 * request is timed beside them.
 */
class HugePromptTest {

    private static final String NORMAL = Http.chat("stories", "Once upon a time", "\"max_tokens\":8",
            "\"temperature\":0");

    @Test
    void fourFifteenMegabytePromptsAreRefusedFastAndDoNotDelayOthers() throws Exception {
        var model = TestData.stories260k();
        try (TestServer server = TestServer.start(c -> c.withModels(List.of(new ModelSpec(model.toString(),
                "stories"))))) {
            Http http = server.http();
            double[] alone = new double[5];
            for (int i = 0; i < alone.length; i++) {
                alone[i] = timed(http, NORMAL);
            }
            String huge = "Once upon a time there was a cat. ".repeat(15 * 1024 * 1024 / 34);
            String hugeChat = Http.chat("stories", huge, "\"max_tokens\":8");
            String hugeRaw = "{\"model\":\"stories\",\"prompt\":" + Json.createValue(huge) + ",\"max_tokens\":8}";
            assertThat(hugeChat.length()).isGreaterThan(15_000_000);

            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                List<Future<HttpResponse<String>>> hugeAnswers = new ArrayList<>();
                long[] hugeNanos = new long[4];
                for (int i = 0; i < 4; i++) {
                    int n = i;
                    hugeAnswers.add(pool.submit(() -> {
                        long t0 = System.nanoTime();
                        HttpResponse<String> r = n % 2 == 0 ? http.post("/v1/chat/completions", hugeChat)
                                : http.post("/v1/completions", hugeRaw);
                        hugeNanos[n] = System.nanoTime() - t0;
                        return r;
                    }));
                }
                Thread.sleep(100); // the uploads are under way
                double beside = timed(http, NORMAL);
                for (Future<HttpResponse<String>> f : hugeAnswers) {
                    HttpResponse<String> r = f.get();
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
                    assertThat(Http.json(r).getJsonObject("error").getString("code"))
                            .isEqualTo("context_length_exceeded");
                }
                Arrays.sort(alone);
                System.out.printf("huge prompts: normal request alone median %.3f s, beside four 15 MB prompts"
                        + " %.3f s; the huge ones answered in %s s%n", alone[2], beside,
                        Arrays.toString(Arrays.stream(hugeNanos).mapToObj(x -> String.format("%.2f", x / 1e9))
                                .toArray()));
                assertThat(beside).as("a normal request beside four huge ones").isLessThan(alone[2] + 1.5);
            }

            // Over the context but not huge: refused as well (by the engine).
            HttpResponse<String> over = http.post("/v1/chat/completions",
                    Http.chat("stories", "Once upon a time there was a cat. ".repeat(1000)));
            assertThat(over.statusCode()).as(over.body()).isEqualTo(400);
            assertThat(over.body()).contains("context_length_exceeded");
        }
    }

    private static double timed(Http http, String body) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.post("/v1/chat/completions", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return (System.nanoTime() - t0) / 1e9;
    }
}
