package dev.jllm.runtime.tokenizer;

import static dev.jllm.runtime.tokenizer.Vocabulary.NONE;

/**
 * Byte-level BPE (llama.cpp's llm_tokenizer_bpe): the pre-tokenizer cuts the text into words; each word's
 * UTF-8 bytes become GPT-2 byte characters; adjacent symbols are merged lowest merge rank first (ties:
 * leftmost) until no adjacent pair is a merge. A final symbol that is not a token is written character by
 * character where those characters are tokens (only ASCII ones can be), as llama.cpp does.
 *
 * <p>Cost: O(n log n) per word; merging works on piece ids and a primitive heap, without building strings.
 */
final class BpeEncoder {
    private final Vocabulary v;
    private final BpeMerges merges;

    BpeEncoder(Vocabulary v) {
        this.v = v;
        this.merges = v.merges;
    }

    void encode(String text, IntList out) {
        LongHeap heap = new LongHeap();
        for (String word : v.preTokenizer.split(text)) {
            encodeWord(ByteLevel.encodeUtf8(word), heap, out);
        }
    }

    private void encodeWord(String word, LongHeap heap, IntList out) {
        int n = word.length();
        if (n == 0) {
            return;
        }
        if (v.ignoreMerges) {
            int whole = v.id(word);
            if (whole != NONE) {
                out.add(whole);
                return;
            }
        }
        int[] piece = new int[n];
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            piece[i] = merges.pieceOfChar(word.charAt(i));
            len[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        heap.clear();
        for (int i = 1; i < n; i++) {
            offer(piece, i - 1, i, heap);
        }
        while (!heap.isEmpty()) {
            long key = heap.pop();
            int rank = (int) (key >>> 32);
            int left = (int) key;
            int right = next[left];
            if (len[left] == 0 || right < 0 || merges.rank(piece[left], piece[right]) != rank) {
                continue; // the pair this entry was made for has changed
            }
            piece[left] = merges.result(rank);
            len[left] += len[right];
            len[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            offer(piece, prev[left], left, heap);
            offer(piece, left, next[left], heap);
        }
        for (int i = 0; i != -1; i = next[i]) {
            if (merges.isToken(piece[i])) {
                out.add(piece[i]);
                continue;
            }
            for (int k = i; k < i + len[i]; k++) {
                char c = word.charAt(k);
                int id = c < 0x80 ? v.id(String.valueOf(c)) : NONE;
                if (id != NONE) {
                    out.add(id);
                }
            }
        }
    }

    private void offer(int[] piece, int left, int right, LongHeap heap) {
        if (left < 0 || right < 0) {
            return;
        }
        int rank = merges.rank(piece[left], piece[right]);
        if (rank >= 0) {
            heap.push(((long) rank << 32) | left);
        }
    }
}
