package dev.jllm.models.hf;

import java.util.List;

/**
 * The files of a repo that make up the model a reference names.
 *
 * @param tag          the canonical tag: the quantization when it picks exactly one GGUF in the repo, else the
 *                     file's stem; {@code safetensors} for a safetensors directory
 * @param format       GGUF or safetensors
 * @param files        the files to download (all parts of a split GGUF; config, tokenizer and weights of a
 *                     safetensors model)
 * @param primary      the path to hand to a loader: the (first part of the) GGUF file, or {@code ""} for the
 *                     directory itself in the safetensors case
 * @param quantization the quantization in the file name, or null
 */
public record ModelSelection(String tag, ModelFormat format, List<RepoFile> files, String primary,
                             String quantization) {
    public ModelSelection {
        files = List.copyOf(files);
    }

    public long size() {
        return files.stream().mapToLong(RepoFile::size).sum();
    }
}
