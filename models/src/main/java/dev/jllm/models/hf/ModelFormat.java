package dev.jllm.models.hf;

/** How a pulled model is stored: one GGUF file (or its split parts), or a Hugging Face safetensors directory. */
public enum ModelFormat {
    GGUF,
    SAFETENSORS
}
