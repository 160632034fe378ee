package dev.jllm.runtime.tokenizer;

import dev.jllm.models.ModelFormatException;

import java.util.HashMap;
import java.util.Map;

/**
 * The merge table of a byte-level BPE vocabulary, in a form that merging can use without building strings:
 * every string that occurs as a merge side or result gets a piece id (its token id when it is a token, an
 * id at or above the vocabulary size otherwise), ranks are keyed by (left piece, right piece), and each rank
 * knows the piece it produces.
 */
final class BpeMerges {
    private final Map<String, Integer> tokenIds;
    private final int vocabSize;
    private final Map<String, Integer> extraPieces = new HashMap<>();
    private final MergeRanks ranks;
    private final int[] results;
    /** Piece id of each single byte-level character, indexed by code point (all are below 0x144). */
    private final int[] charPieces = new int[0x144];

    BpeMerges(String[] merges, Map<String, Integer> tokenIds, int vocabSize) {
        this.tokenIds = tokenIds;
        this.vocabSize = vocabSize;
        this.ranks = new MergeRanks(merges.length);
        this.results = new int[merges.length];
        for (int rank = 0; rank < merges.length; rank++) {
            String m = merges[rank];
            if (m == null) {
                throw new ModelFormatException("BPE merge " + rank + " is null");
            }
            int space = m.indexOf(' ', 1);
            if (space < 0) {
                results[rank] = -1; // llama.cpp records an empty pair, which no symbols can ever form
                continue;
            }
            String left = m.substring(0, space);
            String right = m.substring(space + 1);
            ranks.putIfAbsent(intern(left), intern(right), rank);
            results[rank] = intern(left + right);
        }
        for (int c = 0; c < charPieces.length; c++) {
            charPieces[c] = find(String.valueOf((char) c));
        }
    }

    /** Piece id of a one-character symbol, or -1 when no token or merge mentions it. */
    int pieceOfChar(char c) {
        return c < charPieces.length ? charPieces[c] : find(String.valueOf(c));
    }

    /** Rank of merging two pieces, or -1. */
    int rank(int left, int right) {
        return ranks.rank(left, right);
    }

    /** The piece a merge of the given rank produces. */
    int result(int rank) {
        return results[rank];
    }

    /** True when the piece is a vocabulary token, its id being the piece id. */
    boolean isToken(int piece) {
        return piece >= 0 && piece < vocabSize;
    }

    private int find(String s) {
        Integer id = tokenIds.get(s);
        if (id != null) {
            return id;
        }
        Integer extra = extraPieces.get(s);
        return extra == null ? -1 : extra;
    }

    private int intern(String s) {
        Integer id = tokenIds.get(s);
        if (id != null) {
            return id;
        }
        return extraPieces.computeIfAbsent(s, k -> vocabSize + extraPieces.size());
    }
}
