package dev.jllm.server.admission;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Whether the models given at start are loaded: {@code /health} answers 503 while they load and 200 once they
 * are; a model that fails to load leaves the server failed (the CLI then exits). Thread-safe.
 */
public final class Readiness {

    public enum State { LOADING, READY, FAILED }

    /** A consistent view: the state, the models still loading, and the failure message if any. */
    public record Snapshot(State state, List<String> loading, String error) { }

    private final Set<String> loading = new LinkedHashSet<>();
    private final CountDownLatch settled = new CountDownLatch(1);
    private State state = State.LOADING;
    private String error;

    public synchronized void loading(List<String> names) {
        loading.addAll(names);
    }

    public synchronized void loaded(String name) {
        loading.remove(name);
    }

    public synchronized void ready() {
        if (state == State.LOADING) {
            state = State.READY;
            loading.clear();
            settled.countDown();
        }
    }

    public synchronized void failed(String message) {
        if (state == State.LOADING) {
            state = State.FAILED;
            error = message;
            settled.countDown();
        }
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(state, new ArrayList<>(loading), error);
    }

    public synchronized boolean isReady() {
        return state == State.READY;
    }

    /** Waits until loading ended either way; false on timeout. */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return settled.await(timeout, unit);
    }
}
