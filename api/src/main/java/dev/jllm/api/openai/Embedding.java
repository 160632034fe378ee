package dev.jllm.api.openai;

/** One input's embedding; {@code object} is "embedding". */
public record Embedding(String object, int index, float[] embedding) {

    public static Embedding of(int index, float[] vector) {
        return new Embedding("embedding", index, vector);
    }
}
