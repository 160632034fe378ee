package dev.jllm.models.store;

import dev.jllm.models.hf.ModelFormat;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the store knows about a pulled model, kept as {@code jllm-manifest.json} in the model's directory. It is
 * written last, after every file is verified and in place, so a directory with a manifest is a complete model.
 *
 * @param name         canonical name, {@code hf.co/OWNER/REPO:TAG}
 * @param repo         {@code OWNER/REPO}
 * @param tag          the tag (directory name): quantization, file stem or {@code safetensors}
 * @param endpoint     the Hub it came from
 * @param revision     the revision asked for ({@code main})
 * @param commit       the commit that revision resolved to, or null if the Hub did not say
 * @param format       GGUF or safetensors
 * @param primary      the file to load, relative to the directory ({@code ""} for a safetensors directory)
 * @param files        the repo files in the directory
 * @param quantization e.g. {@code Q4_K_M}, {@code BF16}; null if unknown
 * @param architecture e.g. {@code llama}, {@code qwen2}; null if unknown
 * @param pulledAt     when the pull finished
 */
public record ModelManifest(String name, String repo, String tag, String endpoint, String revision, String commit,
                            ModelFormat format, String primary, List<File> files, String quantization,
                            String architecture, Instant pulledAt) {

    public static final String FILE_NAME = "jllm-manifest.json";

    public ModelManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(pulledAt, "pulledAt");
        files = List.copyOf(files);
    }

    public long size() {
        return files.stream().mapToLong(File::size).sum();
    }

    /** One file of the model, with the checksum it was verified against. */
    public record File(String path, long size, String sha256, String gitOid) {
        public File {
            Objects.requireNonNull(path, "path");
        }
    }
}
