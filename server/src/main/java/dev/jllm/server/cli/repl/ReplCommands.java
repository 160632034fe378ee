package dev.jllm.server.cli.repl;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The chat's slash commands, Ollama's set: {@code /set}, {@code /show}, {@code /clear}, {@code /load}, {@code /bye}. */
final class ReplCommands {
    /** What the chat does after a command. */
    enum Next { CONTINUE, EXIT }

    static final String HELP = """
            Available commands:
              /set parameter NAME VALUE   Set a parameter for the next answers (/set parameter for the list)
              /set system TEXT            Set the system message (it stays when old turns are dropped)
              /show info                  Show the model and where it runs
              /show parameters            Show the parameters that are set
              /show system                Show the system message
              /clear                      Forget the conversation (the system message stays)
              /load MODEL                 Switch to another model (the conversation stays)
              /bye                        Exit (Ctrl-D too)
              /?, /help                   This help

            Use \"\"\" to begin a message of several lines, and \"\"\" again to end it.
            Ctrl-C stops an answer; at the prompt it clears the line.""";

    static final String PARAMETERS_HELP = """
            Parameters:
              /set parameter temperature T        Randomness, 0 (always the likeliest token) to 2
              /set parameter top_p P              Keep the likeliest tokens up to this probability mass (0-1)
              /set parameter top_k K              Keep the K likeliest tokens (0 = off)
              /set parameter min_p P              Drop tokens below P x the likeliest one's probability (0-1)
              /set parameter seed S               Seed for reproducible answers
              /set parameter num_predict N        Most tokens per answer (-1 = until the context is full)
              /set parameter stop TEXT ...        Stop an answer at any of these texts
              /set parameter repeat_penalty R     Penalize repeated tokens (1 = off)
              /set parameter presence_penalty P   Penalize tokens already present (-2 to 2)
              /set parameter frequency_penalty F  Penalize tokens by how often they came (-2 to 2)
              /set parameter num_ctx N            Context size in tokens (reloads the model)""";

    private final PrintWriter out;
    private final ChatSession session;

    ReplCommands(PrintWriter out, ChatSession session) {
        this.out = out;
        this.session = session;
    }

    /** Runs one command line (it starts with "/"). */
    Next run(String line) {
        List<String> words = words(line);
        String cmd = words.getFirst();
        switch (cmd) {
            case "/bye", "/exit" -> {
                return Next.EXIT;
            }
            case "/?", "/help" -> out.println(words.size() > 1 && words.get(1).startsWith("param")
                    ? PARAMETERS_HELP : HELP);
            case "/set" -> set(line, words);
            case "/show" -> show(words);
            case "/clear" -> {
                session.conversation().clear();
                out.println("Cleared the conversation" + (session.conversation().system() == null ? "."
                        : " (the system message stays)."));
            }
            case "/load" -> {
                if (words.size() != 2) {
                    throw new ReplError("usage: /load MODEL");
                }
                out.println("Loading model '" + words.get(1) + "'");
                out.flush();
                session.backend().load(words.get(1));
            }
            default -> throw new ReplError("unknown command '" + cmd + "'; type /? for help");
        }
        out.flush();
        return Next.CONTINUE;
    }

    private void set(String line, List<String> words) {
        if (words.size() < 2) {
            throw new ReplError("usage: /set parameter NAME VALUE, or /set system TEXT");
        }
        switch (words.get(1)) {
            case "parameter" -> {
                if (words.size() < 3) {
                    out.println(PARAMETERS_HELP);
                    return;
                }
                String name = words.get(2);
                List<String> values = words.subList(3, words.size());
                Object previous = session.params().get(name);
                session.params().set(name, values);
                if (name.equals("num_ctx")) {
                    int n = (Integer) session.params().get(name);
                    try {
                        session.backend().contextSize(n);
                    } catch (RuntimeException e) {
                        session.params().restore(name, previous);
                        throw e;
                    }
                }
                out.println("Set parameter '" + name + "' to '" + String.join(", ", values) + "'");
            }
            case "system" -> {
                String text = afterWords(line, 2);
                if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
                    text = text.substring(1, text.length() - 1);
                }
                if (text.isBlank()) {
                    throw new ReplError("usage: /set system TEXT");
                }
                session.conversation().system(text);
                out.println("Set system message.");
            }
            default -> throw new ReplError("unknown setting '" + words.get(1) + "'; /set parameter or /set system");
        }
    }

    private void show(List<String> words) {
        String what = words.size() < 2 ? "" : words.get(1);
        switch (what) {
            case "info" -> {
                Map<String, String> rows = new LinkedHashMap<>(session.backend().info());
                session.describer().describe(session.backend().model()).forEach(rows::putIfAbsent);
                out.println("  Model");
                rows.forEach((k, v) -> out.printf("    %-20s %s%n", k, v));
                out.println();
                out.println("  Chat");
                Conversation conversation = session.conversation();
                out.printf("    %-20s %s%n", "turns", conversation.turns());
                out.printf("    %-20s %s%n", "system message", conversation.system() == null ? "none" : "set");
            }
            case "parameters" -> {
                Map<String, Object> set = session.params().set();
                if (set.isEmpty()) {
                    out.println("No parameters are set: the model's defaults apply.");
                }
                set.forEach((k, v) -> out.printf("    %-20s %s%n", k, v instanceof List<?> l
                        ? String.join(", ", l.stream().map(String::valueOf).toList()) : v));
            }
            case "system" -> out.println(session.conversation().system() == null ? "No system message is set."
                    : session.conversation().system());
            default -> throw new ReplError("usage: /show info, /show parameters or /show system");
        }
    }

    /** The words of a command line; "double quotes" keep spaces inside one word. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) {
                    words.add(w.toString());
                    w.setLength(0);
                    any = false;
                }
            } else {
                w.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(w.toString());
        }
        return words;
    }

    /** The line after its first {@code n} words, as typed (spaces inside kept). */
    static String afterWords(String line, int n) {
        int i = 0;
        for (int k = 0; k < n; k++) {
            while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
        }
        return line.substring(i).strip();
    }
}
