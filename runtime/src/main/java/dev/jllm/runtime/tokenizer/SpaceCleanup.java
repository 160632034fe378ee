package dev.jllm.runtime.tokenizer;

/**
 * Hugging Face's clean_up_tokenization_spaces as llama.cpp applies it to detokenized bytes, in place and in
 * three passes: drop the space before {@code ? ! . ,}; drop both spaces around a lone apostrophe; drop the
 * space before the contractions 's 'm 're 've. The passes are a literal transcription of llama.cpp's
 * in-place loops (including what they read after their own writes), so results agree byte for byte.
 */
final class SpaceCleanup {
    private SpaceCleanup() {
    }

    /** Cleans {@code text[0, length)} in place; returns the new length. */
    static int apply(byte[] text, int length) {
        int total = length;

        int total1 = total;
        total = total > 0 ? 1 : 0;
        for (int i = 1; i < total1; i++) {
            byte x = text[i];
            if (text[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) {
                total--;
            }
            text[total++] = x;
        }

        int total2 = total;
        total = total > 0 ? 1 : 0;
        for (int i = 1; i < total2; i++) {
            byte x = text[i];
            if (x == '\'' && i + 1 < total2 && text[i - 1] == ' ' && text[i + 1] == ' ') {
                total--;
                text[++i] = 0;
            }
            text[total++] = x;
        }

        int total3 = total;
        total = total > 0 ? 1 : 0;
        for (int i = 1; i < total3; i++) {
            byte x = text[i];
            if (text[i - 1] == ' ' && x == '\'' && i + 1 < total3) {
                byte x1 = text[i + 1];
                if (x1 == 's' || x1 == 'm') {
                    total--;
                } else if (x1 != 't' && x1 != 'd' && i + 2 < total3) {
                    byte x2 = text[i + 2];
                    if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) {
                        total--;
                    }
                }
            }
            text[total++] = x;
        }
        return total;
    }
}
