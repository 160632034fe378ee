package dev.jllm.providers;

import dev.jllm.api.CurrentModel;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Keeps the current model in {@code <home>/current-model.json}. Writes go to a temporary file in the same
 * directory that is then moved over the old one atomically, so a crash leaves either the old or the new choice,
 * never half a file. Not thread-safe: its owner serializes calls.
 */
final class CurrentModelStore {

    static final String FILE = "current-model.json";
    private static final System.Logger LOG = System.getLogger(CurrentModelStore.class.getName());

    private final Path home;
    private final Path file;

    CurrentModelStore(Path home) {
        this.home = home;
        this.file = home.resolve(FILE);
    }

    Path file() {
        return file;
    }

    /** The stored model; a missing file is none, and so is an unreadable one (with a warning): never fatal. */
    Optional<CurrentModel> load() {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read " + file + ": " + e.getMessage()
                    + "; starting without a current model");
            return Optional.empty();
        }
        try {
            return Optional.of(Json.fromJson(json, CurrentModel.class));
        } catch (LlmException | NullPointerException e) {
            LOG.log(System.Logger.Level.WARNING, file + " is not a valid current model (" + e.getMessage()
                    + "); starting without a current model");
            return Optional.empty();
        }
    }

    void save(CurrentModel model) {
        try {
            Files.createDirectories(home);
            Path tmp = Files.createTempFile(home, FILE, ".tmp");
            try {
                Files.writeString(tmp, Json.toJson(model), StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new LlmException(Kind.INTERNAL, "cannot save the current model to " + file + ": "
                    + e.getMessage(), e);
        }
    }

    void clear() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new LlmException(Kind.INTERNAL, "cannot clear the current model at " + file + ": "
                    + e.getMessage(), e);
        }
    }
}
