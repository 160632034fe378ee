package dev.jllm.runtime.tokenizer;

/** {@code [^\n]+|[\n]+}: alternating runs of line feeds and of everything else. */
record NewlineSplitter() implements Splitter {

    @Override
    public IntList split(SplitText text, IntList segments) {
        IntList out = new IntList(segments.size() * 2 + 4);
        int start = 0;
        for (int s = 0; s < segments.size(); s++) {
            int end = start + segments.get(s);
            int pos = start;
            while (pos < end) {
                boolean newline = text.cps[pos] == '\n';
                int from = pos;
                while (pos < end && (text.cps[pos] == '\n') == newline) {
                    pos++;
                }
                out.add(pos - from);
            }
            start = end;
        }
        return out;
    }
}
