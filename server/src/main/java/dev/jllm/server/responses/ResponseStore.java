package dev.jllm.server.responses;

import dev.jllm.api.openai.ChatMessage;
import jakarta.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The responses kept for {@code previous_response_id} (and {@code GET /v1/responses/{id}}): in memory only, at
 * most {@code maxCount} of them, each for at most {@code ttl}; the oldest go first. Responses sent with
 * {@code store: false} never come here. Thread-safe.
 */
final class ResponseStore {

    /** What a later turn needs: the conversation so far (instructions excluded, the answer included). */
    record Kept(JsonObject response, List<ChatMessage> conversation, long atMillis) { }

    private final int maxCount;
    private final Duration ttl;
    private final Clock clock;
    private final LinkedHashMap<String, Kept> kept = new LinkedHashMap<>();

    ResponseStore(int maxCount, Duration ttl, Clock clock) {
        this.maxCount = maxCount;
        this.ttl = ttl;
        this.clock = clock;
    }

    synchronized void put(String id, JsonObject response, List<ChatMessage> conversation) {
        expire();
        kept.put(id, new Kept(response, List.copyOf(conversation), clock.millis()));
        while (kept.size() > maxCount) {
            Iterator<Map.Entry<String, Kept>> it = kept.entrySet().iterator();
            it.next();
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
        return kept.remove(id) != null;
    }

    private void expire() {
        long oldest = clock.millis() - ttl.toMillis();
        kept.values().removeIf(k -> k.atMillis() < oldest);
    }
}
