package dev.jllm.tests.behaviour;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay between a client and the server that breaks job event streams on purpose: once a connection has
 * sent a {@code GET /v1/jobs/.../events} request and relayed {@code afterBytes} of the answer, the relay either
 * cuts it (both sides closed mid-event, as a dropped network link would) or stalls it (keeps it open but
 * forwards nothing more, as a dead link that nobody closes would), for as many times as it was armed. It can
 * also swallow everything (a server that accepts connections and never answers). Counts the event requests.
 */
final class FaultyRelay implements AutoCloseable {

    enum Fault { CUT, STALL }

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger eventRequests = new AtomicInteger();
    private final List<String> resumedAfter = new CopyOnWriteArrayList<>();
    private final AtomicInteger faultsLeft = new AtomicInteger();
    private volatile Fault fault = Fault.CUT;
    private volatile long afterBytes;
    private volatile boolean blackHole;

    FaultyRelay(int targetPort) {
        this.targetPort = targetPort;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("relay-accept").start(this::acceptLoop);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** The next {@code times} job event streams break after {@code bytes} of their answer. */
    void arm(Fault kind, long bytes, int times) {
        fault = kind;
        afterBytes = bytes;
        faultsLeft.set(times);
    }

    int faultsLeft() {
        return faultsLeft.get();
    }

    /** Job event requests seen (a resumed stream is one more). */
    int eventRequests() {
        return eventRequests.get();
    }

    /** The Last-Event-ID of each job event request, in order ("" when it had none). */
    List<String> lastEventIds() {
        return List.copyOf(resumedAfter);
    }

    /** Accept connections but never forward or answer anything. */
    void blackHole(boolean on) {
        blackHole = on;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                if (blackHole) {
                    continue; // held open, never read
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(server);
                Connection c = new Connection(client, server);
                Thread.ofVirtual().name("relay-up").start(c::upstream);
                Thread.ofVirtual().name("relay-down").start(c::downstream);
            } catch (IOException e) {
                // closed, or the target is gone: the client sees its connection fail
            }
        }
    }

    private final class Connection {
        private final Socket client;
        private final Socket server;
        /** Bytes of answer relayed since this connection asked for job events; -1 before it did. */
        private volatile long sinceEventRequest = -1;

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void upstream() {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    String head = new String(buf, 0, Math.min(n, 200), StandardCharsets.ISO_8859_1);
                    if (head.startsWith("GET /v1/jobs/") && head.substring(0, head.indexOf('\n') + 1)
                            .contains("/events")) {
                        eventRequests.incrementAndGet();
                        resumedAfter.add(lastEventId(new String(buf, 0, n, StandardCharsets.ISO_8859_1)));
                        sinceEventRequest = 0;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side went away
            } finally {
                closeBoth();
            }
        }

        void downstream() {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    long since = sinceEventRequest;
                    if (since >= 0 && since + n > afterBytes && faultsLeft.get() > 0
                            && faultsLeft.getAndDecrement() > 0) {
                        int part = (int) Math.max(0, afterBytes - since);
                        out.write(buf, 0, part); // up to the middle of an event
                        out.flush();
                        if (fault == Fault.STALL) {
                            sinceEventRequest = -1;
                            while (in.read(buf) >= 0) {
                                // swallow the rest until someone closes the connection
                            }
                        }
                        return;
                    }
                    if (since >= 0) {
                        sinceEventRequest = since + n;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side went away
            } finally {
                closeBoth();
            }
        }

        private void closeBoth() {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private static String lastEventId(String request) {
        for (String line : request.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("Last-Event-ID")) {
                return line.substring(colon + 1).strip();
            }
        }
        return "";
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is all we want
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        sockets.forEach(FaultyRelay::closeQuietly);
    }
}
