package dev.jllm.runtime.tokenizer;

/** {@code [^\n]+|[\n]+}: alternating runs of line feeds and of everything else. */
record NewlineSplitter() implements Splitter {

    @Override
    public IntList split(SplitText text, IntList segments) {
        return Splitter.eachSegment(segments, (start, end, out) -> {
            int pos = start;
            while (pos < end) {
                boolean newline = text.cps[pos] == '\n';
                int from = pos;
                while (pos < end && (text.cps[pos] == '\n') == newline) {
                    pos++;
                }
                out.add(pos - from);
            }
        });
    }
}
