package dev.jllm.runtime.scheduler;

/** Why a generation ended, with the name OpenAI's API gives it. */
public enum FinishReason {
    /** An end-of-generation token or a stop string. */
    STOP("stop"),
    /** The token limit or the end of the context. */
    LENGTH("length"),
    /** The caller stopped listening. */
    CANCELLED("cancelled");

    private final String wireName;

    FinishReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
