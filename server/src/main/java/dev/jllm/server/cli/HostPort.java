package dev.jllm.server.cli;

import java.net.URI;

/**
 * An address as {@code JLLM_HOST} holds it (like {@code OLLAMA_HOST}): {@code HOST}, {@code HOST:PORT},
 * {@code :PORT}, {@code [::1]:PORT} or a URL {@code http://HOST:PORT}. Missing parts take the defaults.
 */
record HostPort(String scheme, String host, int port) {

    static HostPort parse(String text, String defaultHost, int defaultPort) {
        String s = text == null ? "" : text.strip();
        String scheme = "http";
        int sep = s.indexOf("://");
        if (sep >= 0) {
            scheme = s.substring(0, sep);
            s = s.substring(sep + 3);
        }
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        String host = s;
        int port = sep >= 0 && "https".equalsIgnoreCase(scheme) ? 443 : defaultPort;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                throw new UserError("bad address '" + text + "': no closing ']'");
            }
            host = s.substring(1, end);
            if (s.length() > end + 1 && s.charAt(end + 1) == ':') {
                port = port(text, s.substring(end + 2));
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            host = s.substring(0, s.indexOf(':'));
            port = port(text, s.substring(s.indexOf(':') + 1));
        }
        return new HostPort(scheme, host.isEmpty() ? defaultHost : host, port);
    }

    private static int port(String text, String p) {
        try {
            int v = Integer.parseInt(p);
            if (v < 0 || v > 65535) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UserError("bad port in address '" + text + "'");
        }
    }

    /** The base URL a client uses; a wildcard listen address is reached on loopback. */
    URI baseUri() {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return URI.create(scheme + "://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port);
    }
}
