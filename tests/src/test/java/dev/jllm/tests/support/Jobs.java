package dev.jllm.tests.support;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Assertions;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The jobs API over raw HTTP. */
public final class Jobs {

    private final Http http;

    public Jobs(Http http) {
        this.http = http;
    }

    /** Submits a job; fails the test unless the answer is 202. */
    public JsonObject submit(String type, String paramsJson) {
        HttpResponse<String> r = http.post("/v1/jobs", "{\"type\":\"" + type + "\",\"params\":" + paramsJson + "}");
        Assertions.assertEquals(202, r.statusCode(), r.body());
        return Http.json(r);
    }

    /** {@code GET /v1/jobs}: every job the server still knows (this does not count as following one). */
    public jakarta.json.JsonArray list() {
        HttpResponse<String> r = http.get("/v1/jobs");
        Assertions.assertEquals(200, r.statusCode(), r.body());
        return Http.json(r).getJsonArray("data");
    }

    public JsonObject get(String id) {
        HttpResponse<String> r = http.get("/v1/jobs/" + id);
        Assertions.assertEquals(200, r.statusCode(), r.body());
        return Http.json(r);
    }

    /** The job's event stream, from after {@code lastEventId} (null = from the start). */
    public EventReader events(String id, String lastEventId) {
        HttpRequest.Builder b = http.request("/v1/jobs/" + id + "/events").GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> r = http.stream(b.build());
        Assertions.assertEquals(200, r.statusCode());
        return new EventReader(r.body());
    }

    /** Waits until the job is final and returns it. */
    public JsonObject await(String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonObject j = get(id);
            String s = j.getString("status");
            if (s.equals("succeeded") || s.equals("failed") || s.equals("cancelled")) {
                return j;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " still " + s);
            }
            Thread.sleep(20);
        }
    }
}
