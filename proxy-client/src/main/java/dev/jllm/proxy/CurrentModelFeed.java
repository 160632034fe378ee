package dev.jllm.proxy;

import dev.jllm.api.CurrentModel;
import dev.jllm.api.LlmException;
import dev.jllm.providers.sse.SseEvent;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Follows the server's {@code GET /v1/events} for as long as the proxy is open, handing each reported current
 * model to the tracker. Every connection starts with the state at that moment, so after a dropped connection (or
 * a restarted server) re-connecting is all it takes to be in sync again; it retries with a pause growing to a
 * few seconds while the server cannot be reached.
 */
final class CurrentModelFeed implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CurrentModelFeed.class.getName());
    private static final long FIRST_PAUSE_MS = 100;
    private static final long MAX_PAUSE_MS = 5000;

    private final JobsClient client;
    private final CurrentModelTracker tracker;
    private final Thread thread;
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private volatile EventConnection connection;
    private volatile boolean closed;
    private volatile LlmException refused;

    CurrentModelFeed(JobsClient client, CurrentModelTracker tracker) {
        this.client = client;
        this.tracker = tracker;
        this.thread = Thread.ofVirtual().name("jllm-proxy-events").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /**
     * Waits until the first connection either reported the state or failed, so that a caller neither starts
     * without the state when the server is there nor waits long when it is not.
     */
    void awaitFirstAttempt(Duration max) throws InterruptedException {
        firstAttempt.await(max.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The server's refusal (a missing or wrong key), after which this feed stopped; null while it runs. */
    LlmException refused() {
        return refused;
    }

    private void run() {
        long pause = FIRST_PAUSE_MS;
        while (!closed) {
            String failure = null;
            try (EventConnection c = client.serviceEvents()) {
                connection = c;
                if (closed) {
                    return;
                }
                SseEvent e;
                while ((e = c.next()) != null) {
                    if (e.type().equals("current_model")) {
                        tracker.serverReported(parse(e.data()));
                        firstAttempt.countDown();
                        pause = FIRST_PAUSE_MS;
                    }
                }
                failure = c.wentSilent() ? "it went silent" : "the server ended it";
            } catch (LlmException e) {
                if (e.kind() == LlmException.Kind.AUTHENTICATION || e.kind() == LlmException.Kind.PERMISSION) {
                    // The key will not change while this proxy lives: trying again cannot help.
                    refused = e;
                    firstAttempt.countDown();
                    LOG.log(System.Logger.Level.WARNING, "the jllm server at {0} refused the current-model events:"
                            + " {1}", client.settings().server(), e.getMessage());
                    return;
                }
                failure = e.getMessage();
            } catch (IOException e) {
                failure = e.getMessage();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "reading current-model events failed", e);
                failure = e.toString();
            } finally {
                connection = null;
                firstAttempt.countDown();
            }
            if (closed) {
                return;
            }
            LOG.log(System.Logger.Level.DEBUG, "current-model events from {0} lost ({1}); reconnecting",
                    client.settings().server(), failure);
            try {
                Thread.sleep(pause);
            } catch (InterruptedException ie) {
                return;
            }
            pause = Math.min(MAX_PAUSE_MS, pause * 2);
        }
    }

    private static Optional<CurrentModel> parse(String data) {
        JsonObject o = Wire.object(data, "current_model event");
        JsonValue c = o.get("current_model");
        return c == null || c == JsonValue.NULL ? Optional.empty()
                : Optional.of(Wire.read(c, CurrentModel.class, "current_model event"));
    }

    @Override
    public void close() {
        closed = true;
        EventConnection c = connection;
        if (c != null) {
            c.close();
        }
        thread.interrupt();
    }
}
