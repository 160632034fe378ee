package dev.jllm.runtime.sampling.grammar;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.testing.TestData;
import dev.jllm.runtime.tokenizer.Tokenizer;
import dev.jllm.runtime.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The work per constrained token does not grow with the output: on a real 32k vocabulary, a long answer costs a
 * bounded number of vocabulary walks (masks come from the cache once a state repeats) and the stacks stay as
 * deep as the nesting.
 */
class MatcherCostTest {

    @Test
    void longAnswersReuseMasksAndKeepStacksFlat() throws Exception {
        Tokenizer tok;
        try (GgufFile f = GgufFile.open(TestData.require("vocab/ggml-vocab-llama-spm.gguf"))) {
            tok = Tokenizers.fromGguf(f);
        }
        TokenTrie trie = TokenTrie.of(tok, Set.of(tok.eos()));
        Map<String, Object> properties = new java.util.LinkedHashMap<>(); // declared order: story, numbers
        properties.put("story", Map.of("type", "string"));
        properties.put("numbers", Map.of("type", "array", "items", Map.of("type", "integer", "minimum", 0,
                "maximum", 1000)));
        Grammar g = JsonSchemaGrammar.compile(Map.of("type", "object", "properties", properties), "p");
        StringBuilder doc = new StringBuilder("{\"story\": \"");
        for (int i = 0; i < 300; i++) {
            doc.append("Once upon a time, a little fox ran into the woods. ");
        }
        doc.append("\", \"numbers\": [");
        for (int i = 0; i < 300; i++) {
            doc.append(i == 0 ? "" : ", ").append((i * 37) % 1000);
        }
        doc.append("]}");
        // SentencePiece puts a space before the text; after the opening brace the grammar allows one
        int[] rest = tok.encode(doc.substring(1), false, false);
        int[] tokens = new int[rest.length + 1];
        tokens[0] = tok.tokenId("{");
        System.arraycopy(rest, 0, tokens, 1, rest.length);
        GrammarMatcher m = g.matcher(trie);
        long[] mask = new long[(tok.vocabSize() + 63) / 64];
        long walksAtQuarter = 0;
        int depthAtQuarter = 0;
        long t0 = System.nanoTime();
        long tQuarter = 0;
        for (int i = 0; i < tokens.length; i++) {
            m.allowedTokens(mask);
            assertTrue((mask[tokens[i] >>> 6] >>> (tokens[i] & 63) & 1) != 0, "token " + i + " masked out");
            assertTrue(m.acceptToken(tokens[i]), "token " + i);
            if (i == tokens.length / 4) {
                walksAtQuarter = m.walks();
                depthAtQuarter = m.depth();
                tQuarter = System.nanoTime();
            }
        }
        long t1 = System.nanoTime();
        assertTrue(m.isFinished());
        System.out.printf("%d tokens, %d walks (%d in the first quarter); %.3f ms/token over the first quarter,"
                + " %.3f ms/token after%n", tokens.length, m.walks(), walksAtQuarter,
                (tQuarter - t0) / 1e6 / (tokens.length / 4 + 1), (t1 - tQuarter) / 1e6 / (tokens.length - tokens.length / 4 - 1));
        // the story's repeated sentence and the numbers' digits add no new states after the first ones
        assertTrue(m.walks() - walksAtQuarter < 40, "walks kept growing: " + walksAtQuarter + " -> " + m.walks());
        assertTrue(depthAtQuarter <= 8, "depth " + depthAtQuarter);
        assertEquals(0, m.depth());
    }
}
