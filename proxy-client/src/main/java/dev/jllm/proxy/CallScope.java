package dev.jllm.proxy;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls running on the server on behalf of one owner (the proxy, or one forwarding instance handle), so that
 * closing the owner cancels them. A child scope registers its calls with its parent too.
 */
final class CallScope {

    private final String owner;
    private final CallScope parent;
    private final Set<RemoteCall> calls = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    CallScope(String owner, CallScope parent) {
        this.owner = owner;
        this.parent = parent;
    }

    /** @throws LlmException UNAVAILABLE once this scope (or its parent) is closed */
    void ensureOpen() {
        if (closed) {
            throw new LlmException(Kind.UNAVAILABLE, owner + " is closed");
        }
        if (parent != null) {
            parent.ensureOpen();
        }
    }

    void add(RemoteCall call) {
        calls.add(call);
        if (parent != null) {
            parent.add(call);
        }
        if (closed || parent != null && parent.closed) {
            // Closed while the job was being submitted: it must not outlive its owner.
            call.cancelLater();
        }
    }

    void remove(RemoteCall call) {
        calls.remove(call);
        if (parent != null) {
            parent.remove(call);
        }
    }

    int running() {
        return calls.size();
    }

    /** Refuses new calls and cancels the running ones (without waiting for the server). */
    void close() {
        closed = true;
        for (RemoteCall c : List.copyOf(calls)) {
            c.cancelLater();
        }
    }
}
