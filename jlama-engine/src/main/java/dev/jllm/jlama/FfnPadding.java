package dev.jllm.jlama;

import dev.jllm.api.LlmException;
import dev.jllm.models.ModelFormatException;
import dev.jllm.models.hf.HfModelDirectory;
import dev.jllm.models.safetensors.SafetensorsWriter;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * jlama's kernels need the feed-forward width ({@code intermediate_size}) to be a multiple of 8 (its
 * {@code maccumulate} checks it); small models such as stories260K (172) fail inside jlama on the first token. This
 * writes a copy of such a model whose feed-forward is zero-padded to the next multiple: extra rows of
 * {@code gate_proj} and {@code up_proj} give silu(0) * 0 = 0, and the extra columns of {@code down_proj} are
 * zero, so every output is unchanged. Only float checkpoints small enough to copy are padded; anything else is
 * refused with a clear message instead of failing inside jlama.
 */
final class FfnPadding {

    /** jlama's requirement on the feed-forward width. */
    static final int MULTIPLE = 8;
    /** A padded copy is written in memory first: big models are not padded (they have aligned widths anyway). */
    static final long MAX_BYTES = 1L << 30;

    private FfnPadding() { }

    /** The feed-forward width when it needs padding, else -1. */
    static int misalignedWidth(Path dir) {
        try {
            JsonObject config = HfModelDirectory.readJson(dir.resolve(HfModelDirectory.CONFIG));
            if (config.get("intermediate_size") instanceof JsonNumber n && n.intValue() % MULTIPLE != 0) {
                return n.intValue();
            }
            return -1;
        } catch (IOException | ModelFormatException e) {
            return -1; // jlama's own load reports the unreadable config
        }
    }

    /**
     * Writes the padded copy of {@code dir} into {@code target} (created; must not exist).
     *
     * @throws LlmException INVALID_REQUEST for a model this cannot pad
     */
    static void writePadded(Path dir, Path target) {
        try (HfModelDirectory hf = HfModelDirectory.open(dir)) {
            int width = ((JsonNumber) hf.config().get("intermediate_size")).intValue();
            int padded = (width + MULTIPLE - 1) / MULTIPLE * MULTIPLE;
            if (hf.weightBytes() > MAX_BYTES) {
                throw LlmException.invalid("jlama cannot run " + dir + ": its intermediate_size " + width
                        + " is not a multiple of " + MULTIPLE + " and the model is too big to pad");
            }
            SafetensorsWriter out = new SafetensorsWriter();
            for (Map.Entry<String, HfModelDirectory.TensorRef> e : hf.tensors().entrySet()) {
                String name = e.getKey();
                var info = e.getValue().info();
                MemorySegment data = e.getValue().data();
                long[] shape = info.shape().toArray();
                boolean rows = name.endsWith("mlp.gate_proj.weight") || name.endsWith("mlp.up_proj.weight");
                boolean cols = name.endsWith("mlp.down_proj.weight");
                if ((rows || cols) && (shape.length != 2 || shape[rows ? 0 : 1] != width)) {
                    throw LlmException.invalid("cannot pad " + name + " of " + dir + ": shape "
                            + java.util.Arrays.toString(shape) + " does not match intermediate_size " + width);
                }
                int elem = info.dtype().byteSize();
                if (rows) {
                    byte[] b = new byte[Math.toIntExact((long) padded * shape[1] * elem)];
                    MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, b, 0, Math.toIntExact(info.byteSize()));
                    out.add(name, info.dtype(), new long[] {padded, shape[1]}, b);
                } else if (cols) {
                    int rowIn = Math.toIntExact(width * (long) elem);
                    int rowOut = Math.toIntExact(padded * (long) elem);
                    byte[] b = new byte[Math.toIntExact(shape[0] * rowOut)];
                    for (int r = 0; r < shape[0]; r++) {
                        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, (long) r * rowIn, b, r * rowOut, rowIn);
                    }
                    out.add(name, info.dtype(), new long[] {shape[0], padded}, b);
                } else {
                    out.add(name, info.dtype(), shape, data.toArray(ValueLayout.JAVA_BYTE));
                }
            }
            Files.createDirectories(target);
            out.write(target.resolve(HfModelDirectory.WEIGHTS));
            JsonObjectBuilder config = Json.createObjectBuilder(hf.config()).add("intermediate_size", padded);
            Files.writeString(target.resolve(HfModelDirectory.CONFIG), config.build().toString(), StandardCharsets.UTF_8);
            // tokenizer and generation files as they are
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
                for (Path f : files) {
                    String n = f.getFileName().toString();
                    if (!n.equals(HfModelDirectory.CONFIG) && !n.equals(HfModelDirectory.WEIGHTS_INDEX)) {
                        Files.copy(f, target.resolve(n));
                    }
                }
            }
            Path spm = dir.resolve("tokenizer.model");
            if (Files.isRegularFile(spm)) {
                Files.copy(spm, target.resolve("tokenizer.model"));
            }
        } catch (IOException | ModelFormatException e) {
            throw LlmException.invalid("cannot prepare " + dir + " for jlama: " + e.getMessage());
        }
    }
}
