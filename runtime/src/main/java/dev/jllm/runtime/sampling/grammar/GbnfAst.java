package dev.jllm.runtime.sampling.grammar;

import java.util.List;

/** What {@link GbnfParser} reads: rules of alternatives of sequences of items, before compilation to bytes. */
sealed interface GbnfAst {

    /** A quoted string: these code points in order. */
    record Literal(int[] codePoints) implements GbnfAst { }

    /** {@code [...]} or {@code [^...]}: inclusive code point ranges; {@code .} is the negation of nothing. */
    record CharClass(List<int[]> ranges, boolean negated) implements GbnfAst { }

    /** A rule by name. */
    record RuleRef(String name, int line) implements GbnfAst { }

    /** A parenthesized group, and a rule's own body. */
    record Alternatives(List<List<GbnfAst>> alternatives) implements GbnfAst { }

    /** {@code *}, {@code +}, {@code ?}, {@code {m}}, {@code {m,}}, {@code {m,n}}; {@code max < 0}: unbounded. */
    record Repeat(GbnfAst item, int min, int max) implements GbnfAst { }
}
