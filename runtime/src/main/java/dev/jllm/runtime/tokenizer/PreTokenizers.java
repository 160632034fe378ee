package dev.jllm.runtime.tokenizer;

import dev.jllm.models.ModelFormatException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BPE pre-tokenizers llama.cpp knows, by {@code tokenizer.ggml.pre} name: their regular expressions (taken
 * from the models' tokenizer.json files, as adapted by llama.cpp) and the settings tied to each name.
 * Expressions llama.cpp runs with a dedicated scanner map to {@link Gpt2Splitter} / {@link Gpt4Splitter} /
 * {@link NewlineSplitter}; the rest run through {@link RegexSplitter}.
 */
final class PreTokenizers {
    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    static final String LLAMA3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN35 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String NEWLINES = "[^\\n]+|[\\n]+";

    private static final String PORO = " ?[^(\\s|.,!?\u2026\u3002\uFF0C\u3001\u0964\u06D4\u060C)]+";
    private static final String CJK = "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+";
    private static final String DEEPSEEK3_MAIN = "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+";
    private static final String GPT4O = "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Settings beside the expressions; "clean" is clean_up_tokenization_spaces, on for BPE unless cleared. */
    private record Definition(List<String> regexes, boolean cleanSpaces, boolean ignoreMerges, boolean addBos,
                              boolean addSep, boolean noBos) {
    }

    private static final Map<String, Definition> DEFINITIONS = new HashMap<>();
    private static final Map<String, String> CANONICAL = new HashMap<>();
    private static final Map<String, PreTokenizer> BUILT = new ConcurrentHashMap<>();

    static {
        List<String> defaultRegexes = List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]");
        define("default", defaultRegexes, true, false, false, false, false);
        define("llama3", List.of(LLAMA3), true, true, true, false, false,
                "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano");
        define("jais-2", List.of("(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s{512}(?!\\S)|\\s{256}(?!\\S)|\\s{128}(?!\\S)|\\s{64}(?!\\S)|\\s{32}(?!\\S)|\\s{16}(?!\\S)|\\s{8}(?!\\S)|\\s{4}(?!\\S)|\\s{1,2}(?!\\S)|\\s{1}"),
                true, false, false, false, false);
        define("dbrx", List.of(LLAMA3), true, false, false, false, false, "smaug-bpe");
        define("deepseek-llm", List.of("[\r\n]",
                "\\s?[A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA\u01BC-\u01BF\u01C4-\u0293\u0295-\u02AF\u0370-\u0373\u0376\u0377\u037B-\u037D\u037F\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F\u0531-\u0556\u10A0-\u10C5\u13A0-\u13F5\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B\u1D6B-\u1D77\u1D79-\u1D9A\u1E00-\u1F15\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4\u1FF6-\u1FFC\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D\u212F-\u2134\u2139\u213C-\u213F\u2145-\u2149\u214E\u2183\u2184\u2C00-\u2C7B\u2C7E-\u2CE4\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D\uA680-\uA69B\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E\uAB70-\uABBF\uFB00-\uFB06\uFB13-\uFB17\uFF21-\uFF3A\uFF41-\uFF5A\uD801\uDC00-\uD801\uDC4F\uD801\uDCB0-\uD801\uDCD3\uD801\uDCD8-\uD801\uDCFB\uD803\uDC80-\uD803\uDCB2\uD803\uDCC0-\uD803\uDCF2\uD806\uDCA0-\uD806\uDCDF\uD83A\uDD00-\uD83A\uDD43]+",
                "\\s?[!-/:-~\uFF01-\uFF0F\uFF1A-\uFF5E\u2018-\u201F\u3000-\u3002]+", "\\s+$", CJK, "\\p{N}+"),
                false, false, false, false, false);
        define("deepseek-v3", List.of("\\p{N}{1,3}", "[\u4E00-\u9FA5\u3040-\u309F\u30A0-\u30FF]+", DEEPSEEK3_MAIN),
                false, false, false, false, false, "hunyuan-dense", "joyai-llm");
        define("youtu", List.of("[\uAC00-\uD7A3\u3131-\u318E]+|[\uFF01\u2026\u201C\u201D\u2018\u2019\u2014\uFF1A\uFF1B\uFF0C\u3001-\u303F\uFE30-\uFE4F]+|[\u3105-\u312F]+|[\u4E00-\u9FA5\u3040-\u309F\u30A0-\u30FF]+",
                "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
                false, true, false, false, false);
        define("deepseek-coder", List.of("[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", CJK, "\\p{N}"),
                false, false, false, false, false);
        define("falcon", List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]"),
                true, false, false, false, false);
        List<String> starcoder = List.of("\\p{N}", GPT2);
        define("starcoder", starcoder, true, false, false, false, false,
                "refact", "codeshell", "exaone", "minerva-7b", "mellum2");
        define("smollm", starcoder, false, false, false, false, false, "command-r");
        define("gpt-2", List.of(GPT2), true, false, false, false, false,
                "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum",
                "modern-bert", "mpt", "olmo", "jais", "exaone4");
        define("trillion", List.of(GPT2), false, false, false, false, false, "granite-docling");
        define("roberta-bpe", List.of(GPT2), true, false, false, true, false, "jina-v1-en", "jina-v2-code");
        define("qwen2", List.of(QWEN2), false, false, false, false, false,
                "deepseek-r1-qwen", "kormo", "f2llmv2", "hunyuan", "solar-open", "grok-2");
        define("stablelm2", List.of(QWEN2), true, false, false, false, false, "megrez");
        define("qwen35", List.of(QWEN35), false, false, false, false, false);
        define("poro-chat", List.of(PORO), false, false, false, false, false);
        define("bloom", List.of(PORO), true, false, false, false, false, "gpt3-finnish");
        define("chatglm-bpe", List.of(LLAMA3), true, false, false, false, true, "glm4");
        define("viking", List.of(PORO, "\\p{N}"), false, false, false, false, false);
        define("tekken", List.of("[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
                false, true, true, false, false);
        define("chameleon", List.of("<sentinel:[0-9]+>", "(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z", "([\\t\\n]|    |  )",
                "\\p{N}", "[\\p{P}!-/:-@\\[-`{-~]", GPT2), false, false, true, false, false);
        define("gpt-4o", List.of(GPT4O), false, false, false, false, false,
                "llama4", "kanana2", "talkie", "minimax-m2");
        define("granite-embed-multi-97m", List.of("[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))*((?=[\\p{L}\\p{M}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))+((?=[\\p{L}\\p{M}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
                false, true, false, false, false);
        define("bailingmoe", List.of("'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+"),
                false, false, false, false, false, "bailingmoe2", "llada-moe");
        define("seed-coder", List.of("(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
                false, false, false, false, false);
        define("laguna", List.of(NEWLINES, QWEN2), false, false, false, false, false);
        define("exaone-moe", List.of("(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?(?:\\p{L}\\p{M}*(?: \\p{L}\\p{M}*)*)+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]?|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+"),
                true, false, false, false, false);
        define("minicpm5", List.of("\\p{N}{1,3}", "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}+| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
                true, true, false, false, false);
    }

    private PreTokenizers() {
    }

    /**
     * The pre-tokenizer for a {@code tokenizer.ggml.pre} value; null or empty means llama.cpp's "default"
     * (used by older conversions such as GPT-NeoX's).
     *
     * @throws ModelFormatException for a name llama.cpp does not know or jllm does not implement
     */
    static PreTokenizer forName(String pre) {
        String key = pre == null || pre.isEmpty() ? "default" : pre;
        String canonical = CANONICAL.get(key);
        if (canonical == null) {
            throw new ModelFormatException("unsupported BPE pre-tokenizer '" + pre + "' (tokenizer.ggml.pre); supported: "
                    + new java.util.TreeSet<>(CANONICAL.keySet()));
        }
        return BUILT.computeIfAbsent(canonical, PreTokenizers::build);
    }

    private static PreTokenizer build(String name) {
        Definition d = DEFINITIONS.get(name);
        List<Splitter> stages = new ArrayList<>(d.regexes().size());
        for (String regex : d.regexes()) {
            stages.add(splitterFor(regex));
        }
        return new PreTokenizer(name, stages, d.cleanSpaces(), d.ignoreMerges(), d.addBos(), d.addSep(), d.noBos());
    }

    /** llama.cpp picks its hand-written scanners by the exact text of the expression; so do we. */
    static Splitter splitterFor(String regex) {
        return switch (regex) {
            case GPT2 -> new Gpt2Splitter();
            case LLAMA3 -> Gpt4Splitter.LLAMA3;
            case QWEN2 -> Gpt4Splitter.QWEN2;
            case QWEN35 -> Gpt4Splitter.QWEN35;
            case NEWLINES -> new NewlineSplitter();
            default -> new RegexSplitter(regex);
        };
    }

    private static void define(String name, List<String> regexes, boolean cleanSpaces, boolean ignoreMerges,
                               boolean addBos, boolean addSep, boolean noBos, String... aliases) {
        DEFINITIONS.put(name, new Definition(regexes, cleanSpaces, ignoreMerges, addBos, addSep, noBos));
        CANONICAL.put(name, name);
        for (String alias : aliases) {
            CANONICAL.put(alias, name);
        }
    }
}
