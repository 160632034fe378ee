package dev.jllm.runtime.chat.tools;

import java.util.Objects;

/**
 * One function call read from model output.
 *
 * @param name the function name
 * @param arguments the arguments as JSON text (an object, compact), as OpenAI's {@code function.arguments}
 * @param id the call id the model wrote itself (Mistral does), or null
 */
public record ParsedCall(String name, String arguments, String id) {

  public ParsedCall {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
  }
}
