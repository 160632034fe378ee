package dev.jllm.runtime.tokenizer;

/**
 * One stage of a BPE pre-tokenizer. The text starts as one segment; each stage splits every segment further,
 * never across segment borders (so a stage cannot see past the end of the segment it is working on).
 */
sealed interface Splitter permits Gpt2Splitter, Gpt4Splitter, RegexSplitter, NewlineSplitter {

    /**
     * @param text     the whole text
     * @param segments the current segment lengths in code points, in order, summing to the text length
     * @return the refined segment lengths
     */
    IntList split(SplitText text, IntList segments);
}
