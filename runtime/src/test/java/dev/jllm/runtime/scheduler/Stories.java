package dev.jllm.runtime.scheduler;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.sampling.SamplingParams;
import dev.jllm.models.testing.TestData;
import dev.jllm.runtime.tokenizer.Tokenizer;
import dev.jllm.runtime.tokenizer.Tokenizers;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** stories260K with schedulers driven step by step from the test thread, and helpers to read their events. */
final class Stories implements AutoCloseable {

    /** One prompt of golden.jsonl: llama.cpp's greedy continuation. */
    record Golden(String prompt, int[] promptIds, int[] generatedIds) {
    }

    final GgufFile gguf;
    final LlamaModel net;
    final Tokenizer tokenizer;
    final Set<Integer> endOfGeneration;

    private Stories(GgufFile gguf, LlamaModel net, Tokenizer tokenizer) {
        this.gguf = gguf;
        this.net = net;
        this.tokenizer = tokenizer;
        Set<Integer> eog = new HashSet<>();
        for (int t = 0; t < tokenizer.vocabSize(); t++) {
            if (tokenizer.isEndOfGeneration(t)) {
                eog.add(t);
            }
        }
        this.endOfGeneration = eog;
    }

    static Stories load() throws IOException {
        GgufFile gguf = GgufFile.open(TestData.require("stories260K/stories260K.gguf"));
        return new Stories(gguf, LlamaModel.load(gguf, EngineOptions.defaults().withThreads(2)), Tokenizers.fromGguf(gguf));
    }

    static List<Golden> goldens() throws IOException {
        List<Golden> out = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.require("stories260K/golden.jsonl"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try (JsonReader r = Json.createReader(new StringReader(line))) {
                JsonObject o = r.readObject();
                out.add(new Golden(o.getString("prompt"), ints(o, "prompt_ids"), ints(o, "generated_ids")));
            }
        }
        return out;
    }

    private static int[] ints(JsonObject o, String key) {
        return o.getJsonArray(key).stream().mapToInt(v -> ((JsonNumber) v).intValue()).toArray();
    }

    /** A scheduler without its own thread: the test calls {@link Scheduler#step}. */
    Scheduler manual(SchedulerConfig config) {
        return new Scheduler("stories260K", net, tokenizer, endOfGeneration, config, false);
    }

    /** slots, queue, chunk; context 256, 64 MiB of KV memory. */
    Scheduler manual(int slots, int maxQueue, int chunkTokens) {
        return manual(new SchedulerConfig(slots, maxQueue, chunkTokens, chunkTokens, 256, 64L << 20, 16));
    }

    int[] encode(String text) {
        return tokenizer.encode(text, true, false);
    }

    static SequenceRequest greedy(int[] prompt, int maxTokens) {
        return new SequenceRequest(prompt, SamplingParams.greedy(), maxTokens, -1);
    }

    /** A greedy generation of {@code maxTokens} submitted, and a reader of its events. */
    static Reader read(Scheduler s, int[] prompt, int maxTokens) {
        return new Reader(s.submit(greedy(prompt, maxTokens)));
    }

    Reader read(Scheduler s, String prompt, int maxTokens) {
        return read(s, encode(prompt), maxTokens);
    }

    /** Steps until every handle has ended (at most {@code maxSteps}); returns the steps taken. */
    static int runUntilDone(Scheduler s, List<Reader> readers, int maxSteps) {
        int steps = 0;
        while (!readers.stream().allMatch(Reader::ended)) {
            if (steps++ == maxSteps) {
                throw new AssertionError("not done after " + maxSteps + " steps");
            }
            s.step();
            readers.forEach(Reader::drain);
        }
        return steps;
    }

    @Override
    public void close() {
        net.close();
        gguf.close();
    }

    /** Collects a handle's events without waiting. */
    static final class Reader {
        final SequenceHandle handle;
        final List<SequenceEvent.Token> tokens = new ArrayList<>();
        SequenceOutcome outcome;
        dev.jllm.api.LlmException error;

        Reader(SequenceHandle handle) {
            this.handle = handle;
        }

        Reader drain() {
            SequenceEvent e;
            try {
                while ((e = handle.poll(0, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
                    switch (e) {
                        case SequenceEvent.Token t -> tokens.add(t);
                        case SequenceEvent.Finished f -> outcome = f.outcome();
                        case SequenceEvent.Failed f -> error = f.error();
                    }
                }
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
            return this;
        }

        boolean ended() {
            return outcome != null || error != null;
        }

        /** Generated tokens seen so far (end-of-generation tokens not counted). */
        int generated() {
            return tokens.isEmpty() ? 0 : tokens.getLast().generatedTokens();
        }
    }
}
