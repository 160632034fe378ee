package dev.jllm.providers;

import dev.jllm.api.AtomicFiles;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One file of the service's state in the jllm home (the saved instances, the current model): read leniently at
 * start (a missing file is no state; an unreadable one is no state too, with a warning, since a damaged file
 * must not stop the service), replaced whole on every change ({@link AtomicFiles}), and a failed write is one
 * INTERNAL error naming the file.
 *
 * @param what      what the file holds, for messages: "a current model", "the saved instances"
 * @param ownerOnly whether only the owner may read it (it holds API keys)
 */
record StateFile(Path file, String what, boolean ownerOnly) {

    private static final System.Logger LOG = System.getLogger(StateFile.class.getName());

    /** The file's text, or empty when there is none or it cannot be read (warned). */
    Optional<String> read() {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            unusable(e.getMessage());
            return Optional.empty();
        }
    }

    /** Warns that the content read cannot be used; the service starts without it. */
    void unusable(String why) {
        LOG.log(System.Logger.Level.WARNING, "cannot use " + file + " (" + why + "); starting without " + what);
    }

    /** Warns that one entry of the file cannot be used; the rest is. */
    void skipped(String entry, String why) {
        LOG.log(System.Logger.Level.WARNING, "skipping " + entry + " in " + file + ": " + why);
    }

    void write(String text) {
        try {
            AtomicFiles.replace(file, text, ownerOnly);
        } catch (IOException e) {
            throw new LlmException(Kind.INTERNAL, "cannot save " + what + " to " + file + ": " + e.getMessage(), e);
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new LlmException(Kind.INTERNAL, "cannot clear " + what + " at " + file + ": " + e.getMessage(),
                    e);
        }
    }
}
