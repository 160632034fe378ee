package dev.jllm.models.hf;

import java.util.concurrent.CancellationException;

/**
 * A pull was cancelled (through a {@link CancelToken} or by interrupting the pulling thread). What was downloaded
 * so far stays in a {@code .part} file, so the next pull of the same file resumes from there.
 */
public class DownloadCancelledException extends CancellationException {
    public DownloadCancelledException(String message) {
        super(message);
    }
}
