package dev.jllm.providers;

import dev.jllm.api.CurrentModel;
import dev.jllm.api.JllmHome;
import dev.jllm.api.LlmException;
import dev.jllm.api.json.Json;

import java.util.Optional;

/**
 * Keeps the current model in {@link JllmHome#currentModel()}, replaced whole on every change so a crash leaves
 * either the old or the new choice. Not thread-safe: its owner serializes calls.
 */
final class CurrentModelStore {

    private final StateFile file;

    CurrentModelStore(JllmHome home) {
        this.file = new StateFile(home.currentModel(), "a current model", false);
    }

    /** The stored model; a missing file is none, and so is an unreadable one (with a warning): never fatal. */
    Optional<CurrentModel> load() {
        Optional<String> json = file.read();
        try {
            return json.map(j -> Json.fromJson(j, CurrentModel.class));
        } catch (LlmException | NullPointerException e) {
            file.unusable("not a valid current model: " + e.getMessage());
            return Optional.empty();
        }
    }

    void save(CurrentModel model) {
        file.write(Json.toJson(model));
    }

    void clear() {
        file.delete();
    }
}
