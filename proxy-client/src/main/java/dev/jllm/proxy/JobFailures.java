package dev.jllm.proxy;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;

import static dev.jllm.providers.http.HttpErrors.text;
import static dev.jllm.providers.http.HttpErrors.withReportedOverflow;

/**
 * Turns a job's final {@code error} or {@code cancelled} event back into the {@link LlmException} the service
 * threw on the server: the error's {@code type} names the kind ({@code LlmException.Kind.openAiType()}), the
 * {@code code} singles out context-length errors, and {@code http_status} decides where the type is not one of
 * ours. A status other than the kind's own is kept as the status seen.
 */
final class JobFailures {

    private JobFailures() { }

    static LlmException fromErrorEvent(String data, String jobId) {
        JsonObject e = Wire.member(Wire.object(data, "job error event"), "error", "job error event");
        String message = text(e.get("message"));
        String type = text(e.get("type"));
        String code = text(e.get("code"));
        int status = e.get("http_status") instanceof JsonNumber n ? n.intValue() : 0;
        Kind kind;
        if (code != null && code.contains("context_length_exceeded")) {
            kind = Kind.CONTEXT_LENGTH_EXCEEDED;
        } else if (type != null && Kind.forOpenAiType(type) != null) {
            kind = Kind.forOpenAiType(type);
        } else if (status >= 400) {
            kind = Kind.forError(status, code);
        } else {
            kind = Kind.UPSTREAM;
        }
        if (message == null || message.isBlank()) {
            message = "job " + jobId + " failed" + (status > 0 ? " with status " + status : "");
        }
        Integer seen = status > 0 && status != kind.httpStatus() ? status : null;
        // Where the server says it failed: a model that did not load or an upstream that failed stays so;
        // anything else failed in the job on the server.
        LlmException.Origin origin = LlmException.Origin.forWire(text(e.get("origin")));
        LlmException.LoadFailure reason = LlmException.LoadFailure.forWire(text(e.get("load_failure")));
        String param = text(e.get("param"));
        if (origin == LlmException.Origin.MODEL_LOAD) {
            return new LlmException(kind, message, seen, null, origin,
                    reason != null ? reason : LlmException.LoadFailure.OTHER, param);
        }
        if (origin != LlmException.Origin.UPSTREAM) {
            origin = LlmException.Origin.JOB;
        }
        return withReportedOverflow(new LlmException(kind, message, seen, null, origin, null, param), e);
    }

    static LlmException cancelledOnServer(String jobId) {
        return new LlmException(Kind.CANCELLED, "job " + jobId + " was cancelled on the jllm server");
    }
}
