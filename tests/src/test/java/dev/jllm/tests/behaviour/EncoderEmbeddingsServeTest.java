package dev.jllm.tests.behaviour;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.testing.TestData;
import dev.jllm.runtime.model.Pooling;
import dev.jllm.runtime.synth.ModelShape;
import dev.jllm.runtime.synth.SyntheticModelWriter;
import dev.jllm.runtime.synth.WeightMix;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.ServerProcess;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.Reader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An encoder (BERT) served by {@code jllm serve --model bert-small.gguf --alias bge} as a user runs it: the small
 * synthetic BERT of the runtime's golden test (seed 1, bge's WordPiece vocabulary, CLS pooling) embeds five texts
 * in one request through the official OpenAI SDK, float and base64, within 1e-3 cosine of llama.cpp's vectors
 * for the same file (runtime/src/test/resources/embeddings/encoders); Ollama's /api/embed and /api/embeddings
 * give the same vectors; chat, text completion and Ollama's chat and generate are refused with a 400 naming the
 * model as an embedding model; /api/show reports the embedding capability.
 */
class EncoderEmbeddingsServeTest {

    private static final String ALIAS = "bge";
    private static final Path GOLDEN = Path.of("..", "runtime", "src", "test", "resources", "embeddings", "encoders",
            "bert-small-F32-cls.json");

    @TempDir
    static Path home;
    @AutoClose
    private static ServerProcess server;
    @AutoClose
    private static OpenAIClient client;
    private static List<String> texts;
    private static JsonArray golden;

    @BeforeAll
    static void start() throws Exception {
        JsonObject g;
        try (Reader in = Files.newBufferedReader(GOLDEN); JsonReader r = Json.createReader(in)) {
            g = r.readObject();
        }
        texts = g.getJsonArray("texts").getValuesAs(JsonString::getString);
        golden = g.getJsonArray("embeddings");
        Path model = Path.of("target", "encoder-serve", "bert-small.gguf").toAbsolutePath();
        Files.createDirectories(model.getParent());
        try (GgufFile vocab = GgufFile.open(TestData.require("vocab/ggml-vocab-bert-bge.gguf"))) {
            new SyntheticModelWriter(ModelShape.named("bert-small"), WeightMix.parse("F32"), 1, vocab, Pooling.CLS)
                    .write(model);
        }
        server = ServerProcess.start(home.resolve("server-home"), null,
                List.of("--model", model.toString(), "--alias", ALIAS), Map.of());
        client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey("unused").maxRetries(0).build();
    }

    @Test
    void sdkEmbedsABatchAsLlamaCppDoesInFloatAndBase64() {
        EmbeddingCreateParams params = EmbeddingCreateParams.builder().model(ALIAS).inputOfArrayOfStrings(texts)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build();
        CreateEmbeddingResponse floats = client.embeddings().create(params);
        assertThat(floats.model()).isEqualTo(ALIAS);
        assertThat(floats.data()).hasSize(texts.size());
        assertThat(floats.usage().promptTokens()).as("llama.cpp: n_tokens = 53").isEqualTo(53);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(floats.data().get(i).index()).isEqualTo(i);
            double cosine = cosine(floats.data().get(i).embedding(), golden.getJsonArray(i));
            System.out.printf("served embedding %d: cosine %.7f to llama.cpp%n", i, cosine);
            assertThat(cosine).isGreaterThanOrEqualTo(1 - 1e-3);
        }
        CreateEmbeddingResponse b64 = client.embeddings().create(params.toBuilder()
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());
        for (int i = 0; i < texts.size(); i++) {
            assertThat(b64.data().get(i).embedding()).isEqualTo(floats.data().get(i).embedding());
        }
        // the model's own width is honoured, a shorter one refused (the model was not trained for truncation)
        assertThat(client.embeddings().create(params.toBuilder().dimensions(32).build()).data().get(0).embedding())
                .isEqualTo(floats.data().get(0).embedding());
        assertThatThrownBy(() -> client.embeddings().create(params.toBuilder().dimensions(16).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("dimensions");
    }

    @Test
    void ollamaEmbedRoutesGiveTheSameVectors() {
        List<Float> first = client.embeddings().create(EmbeddingCreateParams.builder().model(ALIAS)
                .input(texts.getFirst()).encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build())
                .data().getFirst().embedding();
        Http http = server.http();
        HttpResponse<String> embed = http.post("/api/embed", Json.createObjectBuilder().add("model", ALIAS)
                .add("input", Json.createArrayBuilder(texts)).build().toString());
        assertThat(embed.statusCode()).as(embed.body()).isEqualTo(200);
        JsonArray vectors = Http.json(embed).getJsonArray("embeddings");
        assertThat(vectors).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            assertThat(cosine(vectors.getJsonArray(i), golden.getJsonArray(i))).isGreaterThanOrEqualTo(1 - 1e-3);
        }
        assertThat(Http.json(embed).getInt("prompt_eval_count")).isEqualTo(53);
        HttpResponse<String> legacy = http.post("/api/embeddings", Json.createObjectBuilder().add("model", ALIAS)
                .add("prompt", texts.getFirst()).build().toString());
        assertThat(legacy.statusCode()).as(legacy.body()).isEqualTo(200);
        JsonArray one = Http.json(legacy).getJsonArray("embedding");
        for (int k = 0; k < one.size(); k++) {
            assertThat(one.getJsonNumber(k).doubleValue()).isCloseTo(first.get(k), org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void generationIsRefusedAsAnEmbeddingModel() {
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder().model(ALIAS)
                .addUserMessage("Hello").build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("model " + ALIAS + " is an embedding model");
        Http http = server.http();
        HttpResponse<String> completion = http.post("/v1/completions",
                "{\"model\":\"" + ALIAS + "\",\"prompt\":\"Hello\",\"max_tokens\":4}");
        assertThat(completion.statusCode()).isEqualTo(400);
        assertThat(Http.json(completion).getJsonObject("error").getString("message")).contains("is an embedding model")
                .doesNotContain(".gguf"); // the server's path is not the client's business
        for (String route : List.of("/api/chat", "/api/generate")) {
            String body = route.equals("/api/chat")
                    ? "{\"model\":\"" + ALIAS + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"
                    : "{\"model\":\"" + ALIAS + "\",\"stream\":false,\"prompt\":\"Hi\"}";
            HttpResponse<String> r = http.post(route, body);
            assertThat(r.statusCode()).as(route + ": " + r.body()).isEqualTo(400);
            assertThat(Http.json(r).getString("error")).as(route).contains("is an embedding model")
                    .doesNotContain(".gguf");
        }
        HttpResponse<String> show = http.post("/api/show", "{\"model\":\"" + ALIAS + "\"}");
        assertThat(show.statusCode()).as(show.body()).isEqualTo(200);
        assertThat(Http.json(show).getJsonArray("capabilities").getValuesAs(JsonString::getString))
                .containsExactly("embedding");
        assertThat(server.isAlive()).isTrue();
    }

    private static double cosine(List<Float> got, JsonArray want) {
        double dot = 0, a = 0, b = 0;
        for (int k = 0; k < got.size(); k++) {
            double w = want.getJsonNumber(k).doubleValue();
            dot += got.get(k) * w;
            a += (double) got.get(k) * got.get(k);
            b += w * w;
        }
        return dot / Math.sqrt(a * b);
    }

    private static double cosine(JsonArray got, JsonArray want) {
        return cosine(got.getValuesAs(jakarta.json.JsonNumber.class).stream()
                .map(n -> (float) n.doubleValue()).toList(), want);
    }
}
