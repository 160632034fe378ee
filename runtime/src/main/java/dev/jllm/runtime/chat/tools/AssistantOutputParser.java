package dev.jllm.runtime.chat.tools;

import dev.jllm.template.ChatJson;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a model's output, piece by piece as it is generated, into what an OpenAI answer carries: content,
 * reasoning ({@link ThinkingSplitter}) and tool calls ({@link ToolCallFormat}). A whole answer is the same
 * deltas gathered ({@link #content()}, {@link #reasoning()}, {@link #calls()}), so a streamed answer always
 * adds up to the whole one.
 *
 * <p>Content streams as it comes, except text that might begin a call region (a marker being written, the
 * whitespace before it, an opening '{' for bare-JSON families), which is held until decided. In a call region,
 * each call is announced ({@link OutputDelta.CallStart}) as soon as its name and the start of its arguments are
 * written, and its arguments follow in pieces ({@link OutputDelta.CallArguments}) as the model writes them,
 * as OpenAI streams them ({@link CallStreamer}). At the end the region is parsed by the format: calls it finds
 * that were not streamed follow whole; a region with no call at all is plain content; a streamed call stays a
 * call even when the model stopped in its arguments (max_tokens), as OpenAI's do.
 * Not thread-safe: one per generated choice.
 */
public final class AssistantOutputParser {

  private final ThinkingSplitter thinking;
  private final ToolCallFormat format;
  private final int maxCalls;
  private final CallStreamer streamer;
  private final StringBuilder text = new StringBuilder();
  private int emitted;
  private int regionStart = -1;
  private boolean finished;

  private final StringBuilder content = new StringBuilder();
  private final StringBuilder reasoning = new StringBuilder();
  private final List<ToolCallResult> calls = new ArrayList<>();

  /** A call as answered: its id, name and arguments (JSON text). */
  public record ToolCallResult(String id, String name, String arguments) { }

  /**
   * @param thinking splits off reasoning first, or null for templates without thinking blocks
   * @param format the call syntax to look for, or null when no tools are offered (all text is content)
   * @param maxCalls calls kept at most (1 when the request set {@code parallel_tool_calls: false})
   */
  public AssistantOutputParser(ThinkingSplitter thinking, ToolCallFormat format, int maxCalls) {
    this.thinking = thinking;
    this.format = format;
    this.maxCalls = Math.max(1, maxCalls);
    this.streamer = format != null && format.streamsArguments() ? new CallStreamer(format, this.maxCalls) : null;
  }

  /** The deltas this piece of output completes (possibly none while text is held back). */
  public List<OutputDelta> accept(String piece) {
    if (finished) {
      throw new IllegalStateException("the output has ended");
    }
    List<OutputDelta> out = new ArrayList<>();
    if (thinking == null) {
      answer(piece, out);
    } else {
      for (OutputDelta d : thinking.accept(piece)) {
        route(d, out);
      }
    }
    return out;
  }

  /** The end of the output: what was held back, decided. */
  public List<OutputDelta> finish() {
    List<OutputDelta> out = new ArrayList<>();
    if (finished) {
      return out;
    }
    if (thinking != null) {
      for (OutputDelta d : thinking.finish()) {
        route(d, out);
      }
    }
    finished = true;
    String all = text.toString();
    if (regionStart < 0) {
      emitContent(all.substring(emitted), out);
      return out;
    }
    ParsedOutput parsed = format.parse(all.substring(regionStart));
    List<CallStreamer.Call> streamed = streamer == null ? List.of() : streamer.calls();
    if (parsed.calls().isEmpty() && streamed.isEmpty()) {
      emitContent(all.substring(emitted), out);
      return out;
    }
    Set<String> ids = new HashSet<>();
    for (CallStreamer.Call call : streamed) {
      ids.add(call.id);
      calls.add(new ToolCallResult(call.id, call.name, call.arguments.toString()));
    }
    if (!agrees(parsed, streamed)) {
      return out; // the region went wrong after its calls were streamed: they stand as sent
    }
    // The whitespace held before the calls is dropped; text after them is content.
    emitContent(parsed.content(), out);
    for (ParsedCall call : parsed.calls().subList(streamed.size(), parsed.calls().size())) {
      if (calls.size() == maxCalls) {
        break;
      }
      String id = call.id();
      if (id == null || !ids.add(id)) {
        do {
          id = format.newCallId();
        } while (!ids.add(id));
      }
      int index = calls.size();
      calls.add(new ToolCallResult(id, call.name(), call.arguments()));
      out.add(new OutputDelta.CallStart(index, id, call.name()));
      out.add(new OutputDelta.CallArguments(index, call.arguments()));
    }
    return out;
  }

  /** Whether the parsed calls begin with the streamed ones: same names, same (whole) arguments. */
  private static boolean agrees(ParsedOutput parsed, List<CallStreamer.Call> streamed) {
    if (parsed.calls().size() < streamed.size()) {
      return false;
    }
    for (int i = 0; i < streamed.size(); i++) {
      CallStreamer.Call s = streamed.get(i);
      ParsedCall p = parsed.calls().get(i);
      if (!s.complete || !s.name.equals(p.name())) {
        return false;
      }
      try {
        if (!ChatJson.parse(s.arguments.toString()).equals(ChatJson.parse(p.arguments()))) {
          return false;
        }
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return true;
  }

  private void route(OutputDelta d, List<OutputDelta> out) {
    switch (d) {
      case OutputDelta.Reasoning r -> {
        reasoning.append(r.text());
        out.add(r);
      }
      case OutputDelta.Content c -> answer(c.text(), out);
      default -> throw new IllegalStateException("unexpected " + d);
    }
  }

  private void answer(String piece, List<OutputDelta> out) {
    text.append(piece);
    if (format == null) {
      emitContent(piece, out);
      emitted = text.length();
      return;
    }
    if (regionStart >= 0) {
      streamCalls(out);
      return;
    }
    // Only the tail not yet sent can hold a call's start: everything before it was decided to be content.
    String tail = text.substring(emitted);
    boolean atStart = emitted == 0;
    int start = format.findStart(tail, atStart);
    int until;
    if (start >= 0) {
      regionStart = emitted + start;
      until = start;
    } else {
      until = format.holdFrom(tail, atStart);
    }
    // Whitespace right before a possible call is held too: a call region swallows it.
    while (until > 0 && JsonScan.isSpace(tail.charAt(until - 1))) {
      until--;
    }
    if (until > 0) {
      emitContent(tail.substring(0, until), out);
      emitted += until;
    }
    if (regionStart >= 0) {
      streamCalls(out);
    }
  }

  private void streamCalls(List<OutputDelta> out) {
    if (streamer != null) {
      streamer.read(text, regionStart, out);
    }
  }

  private void emitContent(String piece, List<OutputDelta> out) {
    if (!piece.isEmpty()) {
      content.append(piece);
      out.add(new OutputDelta.Content(piece));
    }
  }

  /** The content so far (all of it after {@link #finish()}). */
  public String content() {
    return content.toString();
  }

  /** The reasoning so far, or null when there was none. */
  public String reasoning() {
    return reasoning.isEmpty() ? null : reasoning.toString();
  }

  /** The calls, known after {@link #finish()}. */
  public List<ToolCallResult> calls() {
    return List.copyOf(calls);
  }
}
