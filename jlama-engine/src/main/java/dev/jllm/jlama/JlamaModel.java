package dev.jllm.jlama;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.SafeTensorSupport;
import dev.jllm.api.LlmException;
import dev.jllm.models.hf.HfModelDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One model loaded by jlama. jlama's model is not safe for concurrent generations (its forward pass shares
 * scratch tensors), so generations take {@link #lock()} in turn, oldest first; a waiting caller that goes away
 * leaves the queue.
 */
final class JlamaModel implements AutoCloseable {

    private final String id;
    private final Path path;
    private final AbstractModel model;
    private final Path paddedCopy;
    private final int contextSize;
    private final long loadNanos;
    private final ReentrantLock turn = new ReentrantLock(true);
    private int leases;
    private boolean retired;
    private boolean closed;

    private JlamaModel(String id, Path path, AbstractModel model, Path paddedCopy, int contextSize, long loadNanos) {
        this.id = id;
        this.path = path;
        this.model = model;
        this.paddedCopy = paddedCopy;
        this.contextSize = contextSize;
        this.loadNanos = loadNanos;
    }

    /**
     * Loads a Hugging Face safetensors directory with jlama. Nothing stays behind when it fails (the padded copy,
     * if one was written, is deleted).
     *
     * @throws LlmException NOT_FOUND for a missing directory, INVALID_REQUEST for a model jlama cannot run
     */
    static JlamaModel load(String id, Path dir, JlamaConfig config) {
        if (!Files.exists(dir)) {
            throw LlmException.notFound("model " + dir + " does not exist");
        }
        if (!HfModelDirectory.isModelDirectory(dir)) {
            throw LlmException.invalid("jlama runs Hugging Face safetensors directories (config.json beside the"
                    + " weights); " + dir + " is not one" + (dir.toString().endsWith(".gguf")
                    ? " (GGUF files run on the local instance type)" : ""));
        }
        JlamaEngine.whyNot(dir).ifPresent(why -> {
            throw LlmException.invalid("jlama cannot run " + dir + " here: " + why);
        });
        long t0 = System.nanoTime();
        Path padded = null;
        try {
            Path loadFrom = dir;
            if (FfnPadding.misalignedWidth(dir) > 0) {
                padded = Files.createTempDirectory("jllm-jlama-");
                loadFrom = padded.resolve("model");
                FfnPadding.writePadded(dir, loadFrom);
            }
            AbstractModel m = ModelSupport.loadModel(AbstractModel.InferenceType.FULL_GENERATION, loadFrom.toFile(),
                    null, DType.F32, workingType(config.quantize()), Optional.empty(), Optional.empty(),
                    Optional.empty(), SafeTensorSupport::loadWeights);
            int modelContext = m.getConfig().contextLength;
            int context = config.contextSize() > 0 ? Math.min(config.contextSize(), modelContext) : modelContext;
            return new JlamaModel(id, dir, m, padded, context, System.nanoTime() - t0);
        } catch (LlmException e) {
            deleteQuietly(padded);
            throw e;
        } catch (IOException e) {
            deleteQuietly(padded);
            throw new LlmException(LlmException.Kind.UNAVAILABLE, "cannot prepare " + dir + " for jlama: "
                    + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(padded);
            throw JlamaErrors.load(dir, e);
        }
    }

    private static DType workingType(String quantize) {
        return switch (quantize) {
            case "f32" -> DType.F32;
            case "bf16" -> DType.BF16;
            default -> DType.I8;
        };
    }

    String id() {
        return id;
    }

    Path path() {
        return path;
    }

    AbstractModel jlama() {
        return model;
    }

    int contextSize() {
        return contextSize;
    }

    long loadNanos() {
        return loadNanos;
    }

    /**
     * Waits for this model's turn, checking {@code cancelled} meanwhile.
     *
     * @return false if the caller cancelled (or was interrupted) before its turn came
     */
    boolean lock(BooleanSupplier cancelled) {
        try {
            while (!turn.tryLock(50, TimeUnit.MILLISECONDS)) {
                if (cancelled.getAsBoolean()) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    void unlock() {
        turn.unlock();
    }

    /** A generation starts using the model; false when it was unloaded meanwhile. */
    synchronized boolean lease() {
        if (retired) {
            return false;
        }
        leases++;
        return true;
    }

    /** A generation is done with the model; the last one out of an unloaded model closes it. */
    synchronized void release() {
        leases--;
        if (retired && leases == 0) {
            closeNow();
        }
    }

    /** Unloads: closes at once, or when the generations still running end. */
    synchronized void retire() {
        retired = true;
        if (leases == 0) {
            closeNow();
        }
    }

    @Override
    public void close() {
        retire();
    }

    private void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            model.close();
        } finally {
            deleteQuietly(paddedCopy);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.getLogger(JlamaModel.class.getName()).log(System.Logger.Level.WARNING,
                    "could not delete jlama's padded model copy " + dir + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return id + " (" + path + ", jlama " + model.getClass().getSimpleName().toLowerCase(Locale.ROOT) + ")";
    }
}
