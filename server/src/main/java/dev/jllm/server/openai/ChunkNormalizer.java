package dev.jllm.server.openai;

import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.api.openai.Usage;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes the chunks of one stream follow OpenAI's rules whatever the instance sent: every chunk has the same id,
 * created and model; a choice's first chunk carries {@code delta.role}; content chunks have no finish reason; the
 * finish reason comes on a chunk of its own with an empty delta; usage is held back for one last chunk with no
 * choices. One chunk per choice, as OpenAI sends them. Not thread-safe: one per stream.
 */
public final class ChunkNormalizer {

    private final String fallbackId;
    private final long fallbackCreated;
    private final String fallbackModel;
    private String id;
    private long created;
    private String model;
    private String fingerprint = SystemFingerprint.VALUE;
    private Usage usage;
    private final Set<Integer> started = new LinkedHashSet<>();
    private final Set<Integer> finished = new LinkedHashSet<>();

    /**
     * The fallbacks stand in for what the instance's first chunk leaves out, except the model: when given, every
     * chunk names it whatever the instance wrote (the id the client asked for).
     */
    public ChunkNormalizer(String fallbackId, long fallbackCreated, String fallbackModel) {
        this.fallbackId = fallbackId;
        this.fallbackCreated = fallbackCreated;
        this.fallbackModel = fallbackModel;
    }

    /** The chunks to send for one chunk of the instance (possibly none). */
    public List<ChatCompletionChunk> accept(ChatCompletionChunk in) {
        if (id == null) {
            id = in.id() == null || in.id().isBlank() ? fallbackId : in.id();
            created = in.created() > 0 ? in.created() : fallbackCreated;
            // Answers name the model as the client did (an alias, not the file the instance loaded).
            model = fallbackModel != null ? fallbackModel : in.model();
        }
        if (in.systemFingerprint() != null) {
            fingerprint = in.systemFingerprint();
        }
        if (in.usage() != null) {
            usage = in.usage();
        }
        List<ChatCompletionChunk> out = new ArrayList<>();
        for (ChunkChoice c : in.choices()) {
            int index = c.index();
            if (finished.contains(index)) {
                continue; // nothing may follow a choice's finish chunk
            }
            ChatCompletionDelta d = c.delta() == null ? ChatCompletionDelta.EMPTY : c.delta();
            boolean first = started.add(index);
            boolean hasBody = d.content() != null || d.toolCalls() != null || d.refusal() != null
                    || d.reasoningContent() != null;
            if (first || hasBody || c.logprobs() != null) {
                String role = first ? (d.role() == null ? "assistant" : d.role()) : null;
                // The role chunk carries content "" when it has nothing else, as OpenAI's does.
                String content = d.content() == null && first && d.toolCalls() == null && d.refusal() == null
                        && d.reasoningContent() == null ? "" : d.content();
                out.add(chunk(new ChunkChoice(index, new ChatCompletionDelta(role, content, d.toolCalls(),
                        d.refusal(), d.reasoningContent()), c.logprobs(), null)));
            }
            if (c.finishReason() != null) {
                finished.add(index);
                out.add(chunk(new ChunkChoice(index, ChatCompletionDelta.EMPTY, null, c.finishReason())));
            }
        }
        return out;
    }

    /**
     * The chunks that close a stream that ended normally: a finish chunk for each choice that got none (an
     * instance that ended without saying why stopped, it did not run out of tokens), or, for an instance that
     * sent nothing at all, an empty answer.
     */
    public List<ChatCompletionChunk> finish() {
        if (id == null) {
            id = fallbackId;
            created = fallbackCreated;
            model = fallbackModel;
        }
        List<ChatCompletionChunk> out = new ArrayList<>();
        if (started.isEmpty()) {
            started.add(0);
            out.add(chunk(new ChunkChoice(0, ChatCompletionDelta.role("assistant"), null, null)));
        }
        for (int index : started) {
            if (finished.add(index)) {
                out.add(chunk(new ChunkChoice(index, ChatCompletionDelta.EMPTY, null, "stop")));
            }
        }
        return out;
    }

    /** The last usage the instance reported, or null. */
    public Usage usage() {
        return usage;
    }

    /** The usage chunk: no choices, the usage. */
    public ChatCompletionChunk usageChunk() {
        return new ChatCompletionChunk(id == null ? fallbackId : id, ChatCompletionChunk.OBJECT,
                id == null ? fallbackCreated : created, model == null ? fallbackModel : model, fingerprint,
                List.of(), usage);
    }

    public String id() {
        return id == null ? fallbackId : id;
    }

    private ChatCompletionChunk chunk(ChunkChoice choice) {
        return new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model, fingerprint,
                List.of(choice), null);
    }
}
