package dev.jllm.server.responses;

import dev.jllm.api.openai.ChatMessage;
import jakarta.json.JsonObject;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The responses kept for {@code previous_response_id} (and {@code GET /v1/responses/{id}}): in memory only, at
 * most {@code maxCount} of them holding at most {@code maxChars} characters together (a conversation can be as
 * large as a request body), each for at most {@code ttl}; the oldest go first. Responses sent with
 * {@code store: false} never come here. Thread-safe.
 */
final class ResponseStore {

    /** What a later turn needs: the conversation so far (instructions excluded, the answer included). */
    record Kept(JsonObject response, List<ChatMessage> conversation, long atMillis, long chars) { }

    private final int maxCount;
    private final long maxChars;
    private long chars;
    private final Duration ttl;
    private final LongSupplier clock;
    private final LinkedHashMap<String, Kept> kept = new LinkedHashMap<>();

    /** @param clock the time in milliseconds */
    ResponseStore(int maxCount, long maxChars, Duration ttl, LongSupplier clock) {
        this.maxCount = maxCount;
        this.maxChars = maxChars;
        this.ttl = ttl;
        this.clock = clock;
    }

    synchronized void put(String id, JsonObject response, List<ChatMessage> conversation) {
        expire();
        long size = response.toString().length();
        for (ChatMessage m : conversation) {
            size += m.text().length() + (m.toolCalls() == null ? 0 : m.toolCalls().toString().length());
        }
        if (size > maxChars) {
            return; // larger than the whole store: a later turn sends the conversation itself
        }
        chars += size;
        Kept old = kept.put(id, new Kept(response, List.copyOf(conversation), clock.getAsLong(), size));
        if (old != null) {
            chars -= old.chars();
        }
        while (kept.size() > maxCount || chars > maxChars) {
            Iterator<Map.Entry<String, Kept>> it = kept.entrySet().iterator();
            chars -= it.next().getValue().chars();
            it.remove();
        }
    }

    /** The conversation of a kept response, or null when it is unknown or gone. */
    synchronized List<ChatMessage> conversation(String id) {
        Kept k = get(id);
        return k == null ? null : k.conversation();
    }

    synchronized Kept get(String id) {
        expire();
        return kept.get(id);
    }

    synchronized boolean remove(String id) {
        expire();
        Kept k = kept.remove(id);
        if (k != null) {
            chars -= k.chars();
        }
        return k != null;
    }

    private void expire() {
        long oldest = clock.getAsLong() - ttl.toMillis();
        Iterator<Kept> it = kept.values().iterator();
        while (it.hasNext()) {
            Kept k = it.next();
            if (k.atMillis() < oldest) {
                chars -= k.chars();
                it.remove();
            }
        }
    }
}
