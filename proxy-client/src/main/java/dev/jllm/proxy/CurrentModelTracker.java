package dev.jllm.proxy;

import dev.jllm.api.CurrentModel;
import dev.jllm.api.CurrentModelListener;
import dev.jllm.api.Subscription;
import dev.jllm.providers.CurrentModelListeners;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The proxy's current model and its listeners. The current model normally lives on the server, shared with its
 * other clients; when this proxy picks a model of one of its own in-proxy instances (which the server does not
 * know), that choice is kept here as an override and the server's is cleared. The current model is the override
 * if there is one, else the server's; a change on the server (made by anyone else) replaces an override, since
 * the latest choice wins.
 *
 * <p>Listeners hear of every change of that effective value, in order, each once: from the server's event
 * stream and from changes of the override. They are called with the lock held (so in order); keep them quick.
 */
final class CurrentModelTracker {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition serverChanged = lock.newCondition();
    private final CurrentModelListeners listeners = new CurrentModelListeners();
    private Optional<CurrentModel> server = Optional.empty();
    private boolean serverKnown;
    private Optional<CurrentModel> override = Optional.empty();
    /** An override being set while this proxy clears the server's choice; applied when the server says so. */
    private Optional<CurrentModel> pendingOverride;
    /** What listeners were last told (or the first state seen); null before anything was known. */
    private Optional<CurrentModel> announced;

    /** The server's current model as its event stream reported it (each connection starts with the state). */
    void serverReported(Optional<CurrentModel> now) {
        lock.lock();
        try {
            if (pendingOverride != null && now.isEmpty()) {
                // The server's choice was cleared for this proxy's own: one change, not two.
                override = pendingOverride;
                pendingOverride = null;
            } else if (serverKnown && !now.equals(server)) {
                override = Optional.empty();
            }
            server = now;
            serverKnown = true;
            announce();
            serverChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Announces that this proxy is about to clear the server's current model in favour of {@code choice}: the
     * server's report of "none" then sets the override at the same moment.
     */
    void expectOverride(CurrentModel choice) {
        lock.lock();
        try {
            pendingOverride = Optional.of(choice);
        } finally {
            lock.unlock();
        }
    }

    /** Sets or clears the in-proxy choice (and forgets an expected one). */
    void override(Optional<CurrentModel> choice) {
        lock.lock();
        try {
            if (announced == null) {
                // Nothing was known: the change is told as one from "none".
                announced = Optional.empty();
            }
            pendingOverride = null;
            override = choice;
            announce();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets an expected override (setting it failed). */
    void cancelExpectedOverride() {
        lock.lock();
        try {
            pendingOverride = null;
        } finally {
            lock.unlock();
        }
    }

    /** The server's current model as last reported, if its event stream has reported one. */
    Optional<Optional<CurrentModel>> server() {
        lock.lock();
        try {
            return serverKnown ? Optional.of(server) : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    Optional<CurrentModel> override() {
        lock.lock();
        try {
            return override;
        } finally {
            lock.unlock();
        }
    }

    boolean serverKnown() {
        lock.lock();
        try {
            return serverKnown;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the server's event stream has reported {@code expected}, so that listeners have heard of a
     * change this proxy made before the call that made it returns.
     *
     * @return false if it did not within {@code max}
     */
    boolean awaitServer(Optional<CurrentModel> expected, Duration max) throws InterruptedException {
        long left = max.toNanos();
        lock.lock();
        try {
            while (!(serverKnown && server.equals(expected))) {
                if (left <= 0) {
                    return false;
                }
                left = serverChanged.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    Subscription subscribe(CurrentModelListener listener) {
        return listeners.add(listener);
    }

    /** Holds lock. Tells listeners if the effective value moved. */
    private void announce() {
        Optional<CurrentModel> effective = override.isPresent() ? override : serverKnown ? server : null;
        if (effective == null) {
            return;
        }
        if (announced == null) {
            announced = effective; // the first state seen is where we start, not a change
            return;
        }
        if (effective.equals(announced)) {
            return;
        }
        Optional<CurrentModel> previous = announced;
        announced = effective;
        listeners.tell(previous, effective);
    }
}
