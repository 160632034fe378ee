package dev.jllm.runtime.chat.tools;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Follows a call region while the model writes it, so that each call's arguments stream in pieces as OpenAI
 * sends them: a call starts once an object holding a {@code "name"} string has begun its {@code "arguments"} (or
 * {@code "parameters"}) object with valid JSON, and its arguments then go out as they come, compact, checked by
 * {@link JsonPrefix}. This reads the JSON shapes every format's calls share (Hermes, Phi-4, Llama 3, the generic
 * form), whatever markers surround them. When the text stops fitting (arguments before the name, invalid JSON),
 * it stops following: the rest is left to the format's parser at the end. Not thread-safe.
 */
final class CallStreamer {

  /** A call being streamed: its arguments so far, and whether they are complete. */
  static final class Call {
    final String id;
    final String name;
    final StringBuilder arguments = new StringBuilder();
    boolean started;
    boolean complete;

    Call(String id, String name) {
      this.id = id;
      this.name = name;
    }
  }

  /** An object or array of the region's JSON, outside any arguments. */
  private static final class Frame {
    final boolean object;
    String name;
    String key;
    String lastString;
    boolean afterColon;

    Frame(boolean object) {
      this.object = object;
    }
  }

  private final ToolCallFormat format;
  private final int maxCalls;
  private final Deque<Frame> frames = new ArrayDeque<>();
  private final List<Call> calls = new ArrayList<>();
  private final StringBuilder string = new StringBuilder();
  private boolean inString;
  private boolean escape;
  private JsonPrefix args;
  private Call call;
  private boolean stopped;
  private int at;

  CallStreamer(ToolCallFormat format, int maxCalls) {
    this.format = format;
    this.maxCalls = maxCalls;
  }

  /** The calls streamed so far. */
  List<Call> calls() {
    return calls;
  }

  /**
   * Reads what was added to the output since the last call (the region begins at {@code regionStart}); adds
   * the deltas of calls and argument pieces to {@code out}.
   */
  void read(CharSequence output, int regionStart, List<OutputDelta> out) {
    at = Math.max(at, regionStart);
    for (; at < output.length() && !stopped; at++) {
      char c = output.charAt(at);
      if (args != null) {
        arguments(c, out);
      } else if (inString) {
        stringChar(c);
      } else {
        outside(c, out);
      }
    }
  }

  private void arguments(char c, List<OutputDelta> out) {
    JsonPrefix.Step step = args.feed(c);
    if (step == JsonPrefix.Step.REJECT) {
      stopped = true;
      return;
    }
    if (step == JsonPrefix.Step.SKIP) {
      return;
    }
    call.arguments.append(c);
    // A call is announced once its arguments hold more than the opening brace: "{oops" is not a call.
    if (!call.started && call.arguments.length() > 1) {
      call.started = true;
      calls.add(call);
      out.add(new OutputDelta.CallStart(calls.size() - 1, call.id, call.name));
      out.add(new OutputDelta.CallArguments(calls.size() - 1, call.arguments.toString()));
    } else if (call.started) {
      out.add(new OutputDelta.CallArguments(calls.size() - 1, String.valueOf(c)));
    }
    if (args.done()) {
      call.complete = true;
      args = null;
      call = null;
      Frame f = frames.peek();
      if (f != null) {
        f.afterColon = false;
        f.key = null;
      }
    }
  }

  private void stringChar(char c) {
    if (escape) {
      escape = false;
      string.append(c);
    } else if (c == '\\') {
      escape = true;
    } else if (c == '"') {
      inString = false;
      Frame f = frames.peek();
      if (f != null && f.object) {
        if (f.afterColon) {
          if ("name".equals(f.key)) {
            f.name = string.toString();
          }
          f.afterColon = false;
        } else {
          f.lastString = string.toString();
        }
      }
    } else {
      string.append(c);
    }
  }

  private void outside(char c, List<OutputDelta> out) {
    Frame f = frames.peek();
    switch (c) {
      case '"' -> {
        if (f != null) {
          inString = true;
          string.setLength(0);
        }
      }
      case ':' -> {
        if (f != null && f.object && f.lastString != null) {
          f.key = f.lastString;
          f.lastString = null;
          f.afterColon = true;
        }
      }
      case ',' -> {
        if (f != null) {
          f.afterColon = false;
          f.key = null;
        }
      }
      case '{' -> {
        if (f != null && f.object && f.afterColon && ("arguments".equals(f.key) || "parameters".equals(f.key))) {
          startCall(f, out);
        } else {
          frames.push(new Frame(true));
        }
      }
      case '[' -> frames.push(new Frame(false));
      case '}', ']' -> {
        if (f != null) {
          frames.pop();
          Frame parent = frames.peek();
          if (parent != null) {
            parent.afterColon = false;
          }
        }
      }
      default -> { }
    }
  }

  private void startCall(Frame f, List<OutputDelta> out) {
    if (f.name == null || calls.size() >= maxCalls) {
      stopped = true; // arguments before the name, or no more calls wanted: the parser decides at the end
      return;
    }
    String id;
    do {
      id = format.newCallId();
    } while (hasId(id));
    call = new Call(id, f.name);
    args = new JsonPrefix();
    arguments('{', out);
  }

  private boolean hasId(String id) {
    return calls.stream().anyMatch(c -> c.id.equals(id));
  }
}
