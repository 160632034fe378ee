package dev.jllm.runtime.chat.tools;

/** A piece of a parsed answer, in the order a stream sends them. */
public sealed interface OutputDelta {

  /** Text for the user. */
  record Content(String text) implements OutputDelta { }

  /** Reasoning ("thinking") text, OpenAI-compatible servers' {@code reasoning_content}. */
  record Reasoning(String text) implements OutputDelta { }

  /** A call begins: OpenAI's first delta of a call carries these. */
  record CallStart(int index, String id, String name) implements OutputDelta { }

  /** A piece of a call's arguments (JSON text; the pieces of one call concatenate to its arguments). */
  record CallArguments(int index, String arguments) implements OutputDelta { }
}
