package dev.jllm.server.responses;

import dev.jllm.api.openai.ChatMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The memory for previous_response_id is bounded by count, by size and by time, the oldest going first. */
class ResponseStoreTest {

    private static final JsonObject RESPONSE = Json.createObjectBuilder().add("id", "r").build();

    @Test
    void boundedByCountSizeAndTime() {
        long[] now = {0};
        ResponseStore store = new ResponseStore(2, 1000, Duration.ofMinutes(10), () -> now[0]);
        store.put("a", RESPONSE, List.of(ChatMessage.user("hello")));
        store.put("b", RESPONSE, List.of(ChatMessage.user("hi")));
        assertThat(store.conversation("a")).extracting(ChatMessage::text).containsExactly("hello");
        store.put("c", RESPONSE, List.of(ChatMessage.user("third")));
        assertThat(store.conversation("a")).isNull(); // the oldest went first
        assertThat(store.conversation("b")).isNotNull();

        store.put("big", RESPONSE, List.of(ChatMessage.user("x".repeat(985))));
        assertThat(store.conversation("b")).isNull(); // room made for it
        assertThat(store.conversation("c")).isNull();
        assertThat(store.conversation("big")).isNotNull();
        store.put("huge", RESPONSE, List.of(ChatMessage.user("x".repeat(2000))));
        assertThat(store.conversation("huge")).isNull(); // larger than the whole store: not kept
        assertThat(store.conversation("big")).isNotNull();

        now[0] += Duration.ofMinutes(11).toMillis();
        assertThat(store.conversation("big")).isNull();
        store.put("d", RESPONSE, List.of(ChatMessage.user("later")));
        assertThat(store.remove("d")).isTrue();
        assertThat(store.get("d")).isNull();
    }
}
