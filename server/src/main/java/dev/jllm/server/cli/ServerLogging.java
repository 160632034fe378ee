package dev.jllm.server.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per log record on stderr ({@code time level logger: message}), for the server's own logs, Helidon's
 * and the access log alike, at INFO unless JLLM_LOG_LEVEL says otherwise. Stack traces only with JLLM_DEBUG=1:
 * a server log is read by operators, and the message already says what failed.
 */
final class ServerLogging {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private ServerLogging() { }

    static void configure() {
        boolean debug = "1".equals(System.getenv("JLLM_DEBUG"));
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setLevel(Level.ALL);
        console.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                StringBuilder b = new StringBuilder(128)
                        .append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ')
                        .append(r.getLevel().getName()).append(' ')
                        .append(shortName(r.getLoggerName())).append(": ")
                        .append(formatMessage(r)).append('\n');
                if (debug && r.getThrown() != null) {
                    var sw = new java.io.StringWriter();
                    r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
                    b.append(sw);
                }
                return b.toString();
            }
        });
        root.addHandler(console);
        Level level = debug ? Level.FINE : Level.INFO;
        String asked = System.getenv("JLLM_LOG_LEVEL");
        if (asked != null && !asked.isBlank()) {
            try {
                level = Level.parse(asked.strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException ignored) {
                // an unknown level keeps the default; the server should start all the same
            }
        }
        root.setLevel(level);
    }

    private static String shortName(String logger) {
        if (logger == null) {
            return "";
        }
        int dot = logger.lastIndexOf('.');
        return logger.equals("dev.jllm.server.access") ? "access" : dot < 0 ? logger : logger.substring(dot + 1);
    }
}
