package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

/** {@code stream_options}: with include_usage, the last chunk before [DONE] carries the usage and no choices. */
public record StreamOptions(@JsonbProperty("include_usage") Boolean includeUsage) {

    public static final StreamOptions INCLUDE_USAGE = new StreamOptions(true);
}
