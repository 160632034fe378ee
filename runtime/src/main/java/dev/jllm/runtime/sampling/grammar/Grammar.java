package dev.jllm.runtime.sampling.grammar;

import dev.jllm.runtime.sampling.grammar.GbnfAst.Alternatives;
import dev.jllm.runtime.sampling.grammar.GbnfAst.CharClass;
import dev.jllm.runtime.sampling.grammar.GbnfAst.Literal;
import dev.jllm.runtime.sampling.grammar.GbnfAst.Repeat;
import dev.jllm.runtime.sampling.grammar.GbnfAst.RuleRef;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled grammar over bytes: every rule is a list of alternatives, each a sequence of elements in one flat
 * array ({@code code}): a byte set (a 256-bit set, index {@code >= 0}), a rule reference ({@code <= -2}) or the
 * end of the alternative ({@link #END}). Character classes are compiled to the byte sequences of their UTF-8
 * encodings ({@link Utf8Ranges}); repetitions become right-recursive helper rules, so matching them never grows
 * a stack. Left-recursive grammars are refused (they would expand forever), as llama.cpp does.
 *
 * <p>Immutable and shareable; each generation matches it with its own {@link GrammarMatcher}.
 */
public final class Grammar {
    static final int END = -1;
    /** Bound on the compiled size (repetition counts multiply it). */
    static final int MAX_ELEMENTS = 4_000_000;

    final int[] code;
    /** Per rule, the start of each alternative in {@link #code}. */
    final int[][] alternatives;
    /** Four longs per byte set. */
    final long[] sets;
    final int root;
    private final String source;

    private Grammar(int[] code, int[][] alternatives, long[] sets, int root, String source) {
        this.code = code;
        this.alternatives = alternatives;
        this.sets = sets;
        this.root = root;
        this.source = source;
    }

    /**
     * Compiles GBNF text whose start rule is {@code root}.
     *
     * @throws GrammarException for a syntax error, an undefined or missing rule, left recursion, a class that
     *                          matches nothing, or a grammar beyond the size bound
     */
    public static Grammar parse(String gbnf) {
        Map<String, Alternatives> rules = GbnfParser.parse(gbnf);
        return new Compiler(rules, gbnf).compile();
    }

    /** The GBNF text it was compiled from. */
    public String source() {
        return source;
    }

    /** A fresh matcher at the start of the grammar, matching byte strings (no vocabulary). */
    public GrammarMatcher matcher() {
        return new GrammarMatcher(this, null);
    }

    /** A fresh matcher at the start of the grammar for a model's vocabulary. */
    public GrammarMatcher matcher(TokenTrie vocabulary) {
        return new GrammarMatcher(this, vocabulary);
    }

    // ---------------------------------------------------------------- stepping

    boolean matches(int pos, int b) {
        int s = code[pos];
        return (sets[s * 4 + (b >>> 6)] >>> (b & 63) & 1) != 0;
    }

    /** The stacks at the start: every way to reach a first byte, and acceptance if the grammar can be empty. */
    void start(StackSet out) {
        for (int a : alternatives[root]) {
            expand(a, null, out);
        }
    }

    /** Adds the stacks after consuming byte {@code b} at the top of {@code f} (nothing if it does not match). */
    void advance(Frame f, int b, StackSet out) {
        if (matches(f.pos, b)) {
            expand(f.pos + 1, f.parent, out);
        }
    }

    /**
     * Moves to element {@code pos} (continuing with {@code parent} after its alternative) and adds every stack
     * whose top is a byte set: rule references are entered, finished alternatives return to their caller, and
     * an empty stack means the whole grammar is matched.
     */
    private void expand(int pos, Frame parent, StackSet out) {
        int el = code[pos];
        if (el == END) {
            if (parent == null) {
                out.accept = true;
            } else {
                expand(parent.pos, parent.parent, out);
            }
        } else if (el >= 0) {
            out.add(new Frame(pos, parent));
        } else {
            // A reference as the last element needs no return frame: repetitions stay flat.
            Frame cont = code[pos + 1] == END ? parent : new Frame(pos + 1, parent);
            for (int a : alternatives[-el - 2]) {
                expand(a, cont, out);
            }
        }
    }

    // ---------------------------------------------------------------- compilation

    private static final class Compiler {
        private final Map<String, Alternatives> ast;
        private final String source;
        private final Map<String, Integer> index = new HashMap<>();
        private final List<List<int[]>> rules = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final Map<List<Long>, Integer> setIndex = new HashMap<>();
        private final List<long[]> setList = new ArrayList<>();
        /** A class already compiled, by its ranges: the element to emit (a byte set or a helper rule). */
        private final Map<String, Integer> classRules = new HashMap<>();
        private long size;

        Compiler(Map<String, Alternatives> ast, String source) {
            this.ast = ast;
            this.source = source;
        }

        Grammar compile() {
            if (!ast.containsKey("root")) {
                throw new GrammarException("the grammar has no 'root' rule");
            }
            for (String name : ast.keySet()) {
                newRule(name);
            }
            for (Map.Entry<String, Alternatives> e : ast.entrySet()) {
                List<int[]> alts = rules.get(index.get(e.getKey()));
                for (List<GbnfAst> seq : e.getValue().alternatives()) {
                    alts.add(sequence(seq));
                }
            }
            // flatten
            int total = 0;
            for (List<int[]> alts : rules) {
                for (int[] a : alts) {
                    total += a.length + 1;
                }
            }
            int[] code = new int[total];
            int[][] starts = new int[rules.size()][];
            int p = 0;
            for (int r = 0; r < rules.size(); r++) {
                List<int[]> alts = rules.get(r);
                starts[r] = new int[alts.size()];
                for (int a = 0; a < alts.size(); a++) {
                    starts[r][a] = p;
                    System.arraycopy(alts.get(a), 0, code, p, alts.get(a).length);
                    p += alts.get(a).length;
                    code[p++] = END;
                }
            }
            long[] sets = new long[setList.size() * 4];
            for (int i = 0; i < setList.size(); i++) {
                System.arraycopy(setList.get(i), 0, sets, i * 4, 4);
            }
            Grammar g = new Grammar(code, starts, sets, index.get("root"), source);
            checkLeftRecursion(g);
            return g;
        }

        private int newRule(String name) {
            int i = rules.size();
            rules.add(new ArrayList<>());
            names.add(name);
            index.put(name, i);
            return i;
        }

        private int helper(String what) {
            return newRule("<" + what + "#" + rules.size() + ">");
        }

        private int[] sequence(List<GbnfAst> items) {
            IntBuffer out = new IntBuffer();
            for (GbnfAst item : items) {
                item(item, out);
            }
            return out.toArray();
        }

        private void item(GbnfAst item, IntBuffer out) {
            switch (item) {
                case Literal l -> {
                    for (int cp : l.codePoints()) {
                        for (byte b : Utf8Ranges.encode(cp)) {
                            out.add(set(b & 0xFF, b & 0xFF));
                        }
                    }
                }
                case CharClass c -> charClass(c, out);
                case RuleRef r -> {
                    Integer target = index.get(r.name());
                    if (target == null || !ast.containsKey(r.name())) {
                        throw new GrammarException("grammar error at line " + r.line() + ": rule '" + r.name()
                                + "' is not defined");
                    }
                    out.add(-target - 2);
                }
                case Alternatives g -> {
                    if (g.alternatives().size() == 1) {
                        for (GbnfAst inner : g.alternatives().getFirst()) {
                            item(inner, out);
                        }
                    } else {
                        int r = helper("group");
                        for (List<GbnfAst> seq : g.alternatives()) {
                            rules.get(r).add(sequence(seq));
                        }
                        out.add(-r - 2);
                    }
                }
                case Repeat rep -> repeat(rep, out);
            }
            grow(0);
        }

        private void repeat(Repeat rep, IntBuffer out) {
            IntBuffer one = new IntBuffer();
            item(rep.item(), one);
            int[] x = one.toArray();
            for (int i = 0; i < rep.min(); i++) {
                out.addAll(x);
                grow(x.length);
            }
            if (rep.max() < 0) {
                int r = helper("star");
                int[] body = Arrays.copyOf(x, x.length + 1);
                body[x.length] = -r - 2;
                rules.get(r).add(body);
                rules.get(r).add(new int[0]);
                out.add(-r - 2);
            } else if (rep.max() > rep.min()) {
                int inner = -1;
                for (int k = 0; k < rep.max() - rep.min(); k++) {
                    int r = helper("opt");
                    int[] body = inner < 0 ? x : Arrays.copyOf(x, x.length + 1);
                    if (inner >= 0) {
                        body[x.length] = -inner - 2;
                    }
                    rules.get(r).add(body);
                    rules.get(r).add(new int[0]);
                    grow(x.length + 2);
                    inner = r;
                }
                out.add(-inner - 2);
            }
        }

        private void charClass(CharClass c, IntBuffer out) {
            List<int[]> ranges = c.negated() ? Utf8Ranges.complement(c.ranges()) : Utf8Ranges.normalize(c.ranges());
            if (ranges.isEmpty()) {
                throw new GrammarException("a character class matches no character");
            }
            StringBuilder key = new StringBuilder();
            for (int[] r : ranges) {
                key.append(r[0]).append('-').append(r[1]).append(',');
            }
            Integer known = classRules.get(key.toString());
            if (known != null) {
                out.add(known);
                return;
            }
            List<Utf8Ranges.Seq> seqs = Utf8Ranges.of(ranges);
            long[] single = new long[4];
            boolean anySingle = false;
            List<Utf8Ranges.Seq> multi = new ArrayList<>();
            for (Utf8Ranges.Seq s : seqs) {
                if (s.length() == 1) {
                    addRange(single, s.lo()[0], s.hi()[0]);
                    anySingle = true;
                } else {
                    multi.add(s);
                }
            }
            if (multi.isEmpty()) {
                int set = set(single);
                classRules.put(key.toString(), set);
                out.add(set);
                return;
            }
            int r = helper("class");
            if (anySingle) {
                rules.get(r).add(new int[] {set(single)});
            }
            for (Utf8Ranges.Seq s : multi) {
                int[] body = new int[s.length()];
                for (int i = 0; i < s.length(); i++) {
                    body[i] = set(s.lo()[i], s.hi()[i]);
                }
                rules.get(r).add(body);
            }
            classRules.put(key.toString(), -r - 2);
            out.add(-r - 2);
        }

        private int set(int lo, int hi) {
            long[] bits = new long[4];
            addRange(bits, lo, hi);
            return set(bits);
        }

        private static void addRange(long[] bits, int lo, int hi) {
            for (int b = lo; b <= hi; b++) {
                bits[b >>> 6] |= 1L << (b & 63);
            }
        }

        private int set(long[] bits) {
            List<Long> key = List.of(bits[0], bits[1], bits[2], bits[3]);
            Integer i = setIndex.get(key);
            if (i == null) {
                i = setList.size();
                setList.add(bits.clone());
                setIndex.put(key, i);
            }
            return i;
        }

        private void grow(int n) {
            size += n;
            if (size > MAX_ELEMENTS) {
                throw new GrammarException("the grammar is too large (more than " + MAX_ELEMENTS
                        + " elements once repetitions are expanded)");
            }
        }

        /** Refuses a rule that can reach itself without consuming a byte. */
        private void checkLeftRecursion(Grammar g) {
            int n = g.alternatives.length;
            boolean[] nullable = new boolean[n];
            boolean changed = true;
            while (changed) {
                changed = false;
                for (int r = 0; r < n; r++) {
                    if (nullable[r]) {
                        continue;
                    }
                    for (int a : g.alternatives[r]) {
                        int p = a;
                        while (g.code[p] != END && g.code[p] <= -2 && nullable[-g.code[p] - 2]) {
                            p++;
                        }
                        if (g.code[p] == END) {
                            nullable[r] = true;
                            changed = true;
                            break;
                        }
                    }
                }
            }
            int[] state = new int[n]; // 0 new, 1 on the path, 2 done
            for (int r = 0; r < n; r++) {
                if (state[r] == 0) {
                    visit(g, r, nullable, state);
                }
            }
        }

        private void visit(Grammar g, int r, boolean[] nullable, int[] state) {
            state[r] = 1;
            for (int a : g.alternatives[r]) {
                for (int p = a; g.code[p] != END; p++) {
                    int el = g.code[p];
                    if (el >= 0) {
                        break;
                    }
                    int t = -el - 2;
                    if (state[t] == 1) {
                        throw new GrammarException("the grammar is left-recursive: rule '" + names.get(t)
                                + "' can reach itself without consuming input");
                    }
                    if (state[t] == 0) {
                        visit(g, t, nullable, state);
                    }
                    if (!nullable[t]) {
                        break;
                    }
                }
            }
            state[r] = 2;
        }
    }

    /** A growable int array. */
    static final class IntBuffer {
        private int[] a = new int[16];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        void addAll(int[] v) {
            for (int x : v) {
                add(x);
            }
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
