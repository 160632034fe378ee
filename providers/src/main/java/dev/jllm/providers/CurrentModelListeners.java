package dev.jllm.providers;

import dev.jllm.api.CurrentModel;
import dev.jllm.api.CurrentModelListener;
import dev.jllm.api.Subscription;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The listeners of a service's current model ({@code LlmService.onCurrentModelChange}), told in order, each
 * isolated from the others' failures. The caller serializes {@link #tell} so that changes arrive in order.
 */
public final class CurrentModelListeners {

    private static final System.Logger LOG = System.getLogger(CurrentModelListeners.class.getName());

    private final List<CurrentModelListener> listeners = new CopyOnWriteArrayList<>();

    public Subscription add(CurrentModelListener listener) {
        Objects.requireNonNull(listener, "listener");
        // A wrapper per subscription, so the same listener added twice is removed once per handle.
        CurrentModelListener entry = listener::changed;
        listeners.add(entry);
        return () -> listeners.remove(entry);
    }

    public void tell(Optional<CurrentModel> previous, Optional<CurrentModel> next) {
        for (CurrentModelListener l : listeners) {
            try {
                l.changed(previous, next);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a current-model listener failed", e);
            }
        }
    }
}
