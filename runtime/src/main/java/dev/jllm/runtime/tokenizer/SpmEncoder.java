package dev.jllm.runtime.tokenizer;

import dev.jllm.models.ModelFormatException;

import static dev.jllm.runtime.tokenizer.Vocabulary.NONE;

/**
 * SentencePiece-style BPE (llama.cpp's llm_tokenizer_spm): start from single characters, repeatedly merge the
 * adjacent pair whose concatenation is the highest-scoring token (ties: leftmost first), until no adjacent
 * pair forms a token. A leftover character that is not a token is written as its UTF-8 bytes through the
 * byte tokens {@code <0xXX>}.
 *
 * <p>Cost: O(n log n) for n characters; pairs are kept in a heap keyed by (score, position) and a popped pair
 * is re-validated against the current symbols instead of tracking stale entries.
 */
final class SpmEncoder {
    private final Vocabulary v;

    SpmEncoder(Vocabulary v) {
        this.v = v;
    }

    /** Tokenizes text whose spaces are already escaped as U+2581. */
    void encode(String text, IntList out) {
        int n = text.codePointCount(0, text.length());
        if (n == 0) {
            return;
        }
        int[] start = new int[n];
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, off = 0; i < n; i++) {
            int cl = Character.charCount(text.codePointAt(off));
            start[i] = off;
            len[i] = cl;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            off += cl;
        }
        LongHeap heap = new LongHeap();
        for (int i = 1; i < n; i++) {
            offer(text, start, len, i - 1, i, heap);
        }
        while (!heap.isEmpty()) {
            long key = heap.pop();
            int left = (int) key;
            int right = next[left];
            if (len[left] == 0 || right < 0) {
                continue;
            }
            int id = v.id(text.substring(start[left], start[left] + len[left] + len[right]));
            if (id == NONE || (int) (key >> 32) != priority(v.scores[id])) {
                continue; // the pair this entry was made for has changed
            }
            len[left] += len[right];
            len[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            offer(text, start, len, prev[left], left, heap);
            offer(text, start, len, left, next[left], heap);
        }
        for (int i = 0; i != -1; i = next[i]) {
            String piece = text.substring(start[i], start[i] + len[i]);
            int id = v.id(piece);
            if (id != NONE) {
                out.add(id);
            } else {
                for (byte b : Utf8.encode(piece)) {
                    out.add(byteToken(b & 0xFF));
                }
            }
        }
    }

    private void offer(String text, int[] start, int[] len, int left, int right, LongHeap heap) {
        if (left < 0 || right < 0) {
            return;
        }
        int id = v.id(text.substring(start[left], start[left] + len[left] + len[right]));
        if (id != NONE) {
            heap.push(((long) priority(v.scores[id]) << 32) | left);
        }
    }

    /** Ascending int order for descending scores, so the min-heap pops the best score, then the leftmost. */
    private static int priority(float score) {
        int bits = Float.floatToIntBits(score);
        int ordered = bits ^ ((bits >> 31) & 0x7FFFFFFF);
        return ~ordered;
    }

    private int byteToken(int b) {
        int id = v.byteTokens[b];
        if (id != NONE) {
            return id;
        }
        if (v.unk != NONE) {
            return v.unk;
        }
        throw new ModelFormatException(String.format("the vocabulary has no byte token <0x%02X> and no unknown token", b));
    }
}
