package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.Objects;

/**
 * One part of an array-valued message content. Which field is set depends on {@code type}: "text" -> text,
 * "image_url" -> imageUrl, "input_audio" -> inputAudio, "file" -> file. Parts of other types keep their type so
 * that a server can reject them clearly.
 */
public record ContentPart(
        String type,
        String text,
        @JsonbProperty("image_url") ImageUrl imageUrl,
        @JsonbProperty("input_audio") InputAudio inputAudio,
        FileRef file) {

    public static final String TEXT = "text";
    public static final String IMAGE_URL = "image_url";
    public static final String INPUT_AUDIO = "input_audio";
    public static final String FILE = "file";

    public ContentPart {
        Objects.requireNonNull(type, "type");
    }

    public static ContentPart text(String text) {
        return new ContentPart(TEXT, text, null, null, null);
    }

    public static ContentPart image(String url) {
        return new ContentPart(IMAGE_URL, null, new ImageUrl(url, null), null, null);
    }

    /** {@code {"url": ..., "detail": "auto"|"low"|"high"}}; url may be a data: URL. */
    public record ImageUrl(String url, String detail) { }

    /** {@code {"data": base64, "format": "wav"|"mp3"}}. */
    public record InputAudio(String data, String format) { }

    /** {@code {"file_id": ..., "file_data": ..., "filename": ...}}. */
    public record FileRef(@JsonbProperty("file_id") String fileId,
                          @JsonbProperty("file_data") String fileData,
                          String filename) { }
}
