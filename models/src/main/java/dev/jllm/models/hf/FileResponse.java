package dev.jllm.models.hf;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * An open download of one repo file, after redirects.
 *
 * @param status  200 (whole file), 206 (from {@code start}) or 416 (the requested offset is at or past the end)
 * @param body    the bytes, to be read and closed by the caller (empty for 416)
 * @param start   offset of the first byte of {@code body} in the file
 * @param total   size of the whole file as the server reports it (X-Linked-Size, Content-Range or
 *                Content-Length), or -1
 * @param sha256  SHA-256 reported in X-Linked-Etag or the Hub's ETag, or null
 * @param gitSha1 git blob id reported in the Hub's ETag (files not stored with LFS), or null
 * @param commit  the commit the revision resolved to (X-Repo-Commit), or null
 */
record FileResponse(int status, InputStream body, long start, long total, String sha256, String gitSha1,
                    String commit) implements Closeable {
    @Override
    public void close() throws IOException {
        body.close();
    }
}
