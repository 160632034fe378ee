package dev.jllm.models.store;

import dev.jllm.api.LlmException;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.ProgressListener;
import dev.jllm.models.hf.HubException;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CancellationException;

/**
 * A model pulled for an engine instance's {@code serve} (every engine type: {@code local}, {@code jlama}): the
 * store's download progress as the service's {@link ProgressEvent}s, and its failures as the one
 * {@link LlmException} kind each deserves, so that every engine reports a pull the same way. Deleting a stored
 * model for an engine's {@code deleteModel} lives here too, for the same reason.
 */
public final class ServePulls {

    private ServePulls() {
    }

    /** Removes a stored model with its files for an engine's {@code deleteModel}; a refusal is NOT_FOUND. */
    public static void delete(ModelStore store, String model) {
        try {
            store.remove(model, true);
        } catch (ModelStoreException e) {
            throw LlmException.notFound(e.getMessage());
        }
    }

    /**
     * @param ref   the store reference to resolve or pull
     * @param model the model as the caller named it, for messages
     */
    public static Path resolveOrPull(ModelResolver store, String ref, String model, ProgressListener progress) {
        try {
            return store.resolveOrPull(ref, pp -> progress.onProgress(new ProgressEvent("downloading",
                    pp.file() == null ? pp.stage().name().toLowerCase(Locale.ROOT) : pp.file(), pp.bytesDone(),
                    Math.max(pp.bytesTotal(), pp.bytesDone()),
                    pp.bytesTotal() > 0 ? Math.min(100.0, 100.0 * pp.bytesDone() / pp.bytesTotal()) : -1)));
        } catch (HubException e) {
            LlmException.Kind kind = switch (e.reason()) {
                case NOT_FOUND, NO_MATCH -> LlmException.Kind.NOT_FOUND;
                case ACCESS_DENIED -> LlmException.Kind.PERMISSION;
                case NETWORK, DISK_SPACE -> LlmException.Kind.UNAVAILABLE;
                default -> LlmException.Kind.UPSTREAM;
            };
            throw new LlmException(kind, e.getMessage(), e);
        } catch (ModelStoreException e) {
            throw new LlmException(LlmException.Kind.INVALID_REQUEST, e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new LlmException(LlmException.Kind.NOT_FOUND, "model '" + model + "' not found: " + e.getMessage(), e);
        } catch (CancellationException e) {
            throw new LlmException(LlmException.Kind.CANCELLED, "serve of " + model + " was cancelled", e);
        }
    }
}
