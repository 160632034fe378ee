package dev.jllm.runtime.chat.tools;

/**
 * Picks the call syntax of a chat template from its source: the markers its tool-calling turns print (what the
 * model was trained to write). A template that renders tools but prints none of them gets llama.cpp's generic
 * JSON form.
 */
public final class ToolCallFormats {

  private ToolCallFormats() {}

  /** The format for a template that can carry tools. */
  public static ToolCallFormat detect(String templateSource) {
    String s = templateSource;
    if (s.contains(HermesFormat.OPEN)) {
      return new HermesFormat();
    }
    if (s.contains(MistralFormat.MARKER)) {
      return new MistralFormat();
    }
    if (s.contains(Phi4Format.OPEN) || s.contains("<|tool|>")) {
      return new Phi4Format();
    }
    if (s.contains(Llama3Format.PYTHON_TAG)
        || (s.contains("<|start_header_id|>") && s.contains("\"parameters\""))) {
      return new Llama3Format();
    }
    return new GenericJsonFormat();
  }
}
