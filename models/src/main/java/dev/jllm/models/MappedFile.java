package dev.jllm.models;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How model files (GGUF, safetensors) are read: mapped read-only into memory in an arena of their own, which the
 * file's reader closes when it is closed. Weights are used where they lie in the mapping, never copied.
 */
public final class MappedFile {

    private MappedFile() { }

    /** What a format makes of a mapped file; it keeps the arena and closes it when it is closed. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(Path file, Arena arena, MemorySegment mapping);
    }

    /** Maps {@code file} and reads it; if reading fails, the mapping is released before the failure goes on. */
    public static <T> T open(Path file, Reader<T> reader) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment mapping = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return reader.read(file, arena, mapping);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Releases a mapping; releasing it again does nothing (callers synchronize). */
    public static void release(Arena arena) {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
