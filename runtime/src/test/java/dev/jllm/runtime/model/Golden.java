package dev.jllm.runtime.model;

import dev.jllm.models.testing.TestData;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** One prompt of stories260K/golden.jsonl (the "exact" llama.cpp settings: F32 KV cache, no flash attention). */
public record Golden(String prompt, int[] promptIds, int[] generatedIds, float[] lastPromptLogits, int[][] stepTop5Ids,
              float[][] stepTop5Logits) {

    public static final String MODEL = "stories260K/stories260K.gguf";
    public static final String FILE = "stories260K/golden.jsonl";

    public static List<Golden> load() throws IOException {
        List<Golden> all = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.require(FILE), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try (JsonReader r = Json.createReader(new StringReader(line))) {
                JsonObject o = r.readObject();
                JsonArray steps = o.getJsonArray("step_top5");
                int[][] ids = new int[steps.size()][];
                float[][] logits = new float[steps.size()][];
                for (int s = 0; s < steps.size(); s++) {
                    JsonArray top = steps.getJsonArray(s);
                    ids[s] = new int[top.size()];
                    logits[s] = new float[top.size()];
                    for (int k = 0; k < top.size(); k++) {
                        ids[s][k] = top.getJsonArray(k).getInt(0);
                        logits[s][k] = (float) top.getJsonArray(k).getJsonNumber(1).doubleValue();
                    }
                }
                all.add(new Golden(o.getString("prompt"), ints(o.getJsonArray("prompt_ids")),
                        ints(o.getJsonArray("generated_ids")), floats(o.getJsonArray("last_prompt_logits")), ids, logits));
            }
        }
        return all;
    }

    private static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getInt(i);
        }
        return out;
    }

    private static float[] floats(JsonArray a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) a.getJsonNumber(i).doubleValue();
        }
        return out;
    }
}
