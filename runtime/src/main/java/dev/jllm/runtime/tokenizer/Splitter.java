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

    /** Splits one segment, code points {@code [start, end)}, adding the lengths of its parts to {@code out}. */
    @FunctionalInterface
    interface SegmentSplitter {
        void split(int start, int end, IntList out);
    }

    /** {@link #split} for a stage that looks at each segment on its own. */
    static IntList eachSegment(IntList segments, SegmentSplitter splitter) {
        IntList out = new IntList(segments.size() * 4 + 4);
        int start = 0;
        for (int s = 0; s < segments.size(); s++) {
            int end = start + segments.get(s);
            splitter.split(start, end, out);
            start = end;
        }
        return out;
    }
}
