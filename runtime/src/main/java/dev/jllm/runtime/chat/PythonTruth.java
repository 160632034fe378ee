package dev.jllm.runtime.chat;

import com.hubspot.jinjava.util.ObjectTruthValue;

/** Python's truthiness, where Jinjava's differs: to Jinjava the string "false" is false, to Python it is true. */
final class PythonTruth {

  private PythonTruth() {}

  static boolean isTrue(Object value) {
    if (value instanceof CharSequence s) {
      return !s.isEmpty();
    }
    return ObjectTruthValue.evaluate(value);
  }
}
