package dev.jllm.providers.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Tells a watchdog about every byte that arrives, so that only real silence counts as idle. */
public final class WatchedInputStream extends FilterInputStream {

    private final IdleWatchdog.Watch watch;

    public WatchedInputStream(InputStream in, IdleWatchdog.Watch watch) {
        super(in);
        this.watch = watch;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            watch.touch();
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            watch.touch();
        }
        return n;
    }
}
