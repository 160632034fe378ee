package dev.jllm.runtime.tokenizer;

import dev.jllm.models.ModelFormatException;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} (with its {@code tokenizer_config.json}) into {@link VocabData}, the
 * same facts a GGUF file's {@code tokenizer.ggml.*} metadata state, so the tokenizer that runs is the one GGUF
 * models get. Two families are understood:
 *
 * <ul>
 *   <li><b>SentencePiece-derived BPE</b> (Llama 2, Mistral, TinyLlama, stories260K): byte fallback, spaces as
 *       {@code ▁} by a {@code Prepend}/{@code Replace} normalizer or a {@code Metaspace} pre-tokenizer. It runs as
 *       llama.cpp's SPM tokenizer; each token's score is minus the rank of the first merge that produces it, so
 *       "highest score first" is "lowest merge rank first", the order HF's BPE applies merges in.</li>
 *   <li><b>Byte-level BPE</b> (GPT-2, Llama 3, Qwen 2/3): a {@code ByteLevel} pre-tokenizer, alone (GPT-2's
 *       expression) or after a {@code Split} whose expression names the pre-tokenizer (Llama 3, Qwen 2).</li>
 * </ul>
 *
 * Any other model, normalizer, pre-tokenizer or decoder is refused with an error naming it.
 */
public final class HfTokenizerJson {
    private static final String SPACE = "\u2581";

    /** Split expressions of tokenizer.json files and the pre-tokenizer names llama.cpp gives them. */
    private static final Map<String, String> SPLIT_PATTERNS = Map.of(
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            "llama-bpe",
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            "qwen2");

    private HfTokenizerJson() {
    }

    /**
     * The vocabulary of {@code tokenizer} ({@code tokenizer.json}) with the special tokens and flags of
     * {@code config} ({@code tokenizer_config.json}, may be null).
     *
     * @param where names the file in error messages
     * @throws ModelFormatException for an unsupported model or component, or inconsistent data
     */
    public static VocabData read(JsonObject tokenizer, JsonObject config, String where) {
        if (!(tokenizer.get("model") instanceof JsonObject model)) {
            throw new ModelFormatException(where + ": no 'model' object");
        }
        String modelType = model.containsKey("type") ? string(model, "type", where) : "BPE";
        if (!modelType.equals("BPE")) {
            throw new ModelFormatException(where + ": tokenizer model '" + modelType + "' is not supported (supported: BPE)");
        }
        if (!(model.get("vocab") instanceof JsonObject vocab)) {
            throw new ModelFormatException(where + ": model.vocab is not an object");
        }
        Map<Integer, String> byId = new HashMap<>();
        int maxId = -1;
        for (Map.Entry<String, JsonValue> e : vocab.entrySet()) {
            int id = id(e.getValue(), where + ": id of token '" + e.getKey() + "'");
            byId.put(id, e.getKey());
            maxId = Math.max(maxId, id);
        }
        Map<Integer, Boolean> added = new HashMap<>();
        if (tokenizer.get("added_tokens") instanceof JsonArray addedTokens) {
            for (JsonValue v : addedTokens) {
                if (!(v instanceof JsonObject a)) {
                    throw new ModelFormatException(where + ": an added_tokens entry is not an object");
                }
                int id = id(a.get("id"), where + ": added token id");
                String content = string(a, "content", where);
                byId.put(id, content);
                added.put(id, a.getBoolean("special", false));
                maxId = Math.max(maxId, id);
            }
        }
        if (maxId < 0) {
            throw new ModelFormatException(where + ": the vocabulary is empty");
        }
        if (maxId > 16_000_000) {
            throw new ModelFormatException(where + ": token id " + maxId + " is implausibly large");
        }
        String[] tokens = new String[maxId + 1];
        int[] types = new int[maxId + 1];
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i <= maxId; i++) {
            String t = byId.get(i);
            if (t == null) {
                // holes in the id space are padding, as llama.cpp's converter fills them
                tokens[i] = "[PAD" + i + "]";
                types[i] = 5;
            } else {
                tokens[i] = t;
                types[i] = added.containsKey(i) ? (added.get(i) ? 3 : 4) : 1;
                ids.putIfAbsent(t, i);
            }
        }
        List<String[]> merges = merges(model, where);

        boolean byteLevel = hasType(tokenizer.get("pre_tokenizer"), "ByteLevel");
        VocabData data;
        if (byteLevel) {
            data = byteLevel(tokenizer, tokens, types, merges, where);
        } else {
            data = sentencePiece(tokenizer, model, tokens, types, ids, merges, where);
        }
        checkDecoder(tokenizer.get("decoder"), byteLevel, where);
        return specialTokens(data, tokenizer, config, ids, where);
    }

    /**
     * The vocabulary extended to {@code size} ids with unused {@code [PAD<id>]} tokens, as llama.cpp's converter
     * pads a tokenizer smaller than the model's embedding (Qwen 2 and others round the embedding up).
     *
     * @throws ModelFormatException when the tokenizer has more tokens than the model has rows
     */
    public static VocabData padTo(VocabData d, int size) {
        int n = d.tokens().length;
        if (n > size) {
            throw new ModelFormatException("the tokenizer has " + n + " tokens but the model's embedding only "
                    + size + " rows");
        }
        if (n == size) {
            return d;
        }
        String[] tokens = Arrays.copyOf(d.tokens(), size);
        int[] types = d.tokenTypes() == null ? new int[size] : Arrays.copyOf(d.tokenTypes(), size);
        if (d.tokenTypes() == null) {
            Arrays.fill(types, 0, n, 1);
        }
        float[] scores = d.scores() == null ? null : Arrays.copyOf(d.scores(), size);
        for (int i = n; i < size; i++) {
            tokens[i] = "[PAD" + i + "]";
            types[i] = 5;
        }
        return new VocabData(d.model(), d.pre(), tokens, scores, types, d.merges(), d.specialIds(), d.flags(),
                d.modelName(), d.architecture());
    }

    private static VocabData sentencePiece(JsonObject tokenizer, JsonObject model, String[] tokens, int[] types,
                                           Map<String, Integer> ids, List<String[]> merges, String where) {
        if (!model.getBoolean("byte_fallback", false)) {
            throw new ModelFormatException(where + ": a BPE model without byte_fallback and without a ByteLevel "
                    + "pre-tokenizer is not supported");
        }
        boolean prefix = false;
        for (JsonObject n : components(tokenizer.get("normalizer"), "normalizers", where)) {
            String type = string(n, "type", where);
            switch (type) {
                case "Prepend" -> {
                    if (!SPACE.equals(n.getString("prepend", null))) {
                        throw new ModelFormatException(where + ": Prepend normalizer of '" + n.getString("prepend", null)
                                + "' is not supported (only '" + SPACE + "')");
                    }
                    prefix = true;
                }
                case "Replace" -> requireSpaceReplace(n, " ", SPACE, where, "normalizer");
                default -> throw new ModelFormatException(where + ": normalizer '" + type + "' is not supported "
                        + "for SentencePiece-style BPE (supported: Prepend, Replace)");
            }
        }
        for (JsonObject p : components(tokenizer.get("pre_tokenizer"), "pretokenizers", where)) {
            String type = string(p, "type", where);
            if (!type.equals("Metaspace")) {
                throw new ModelFormatException(where + ": pre-tokenizer '" + type + "' is not supported for "
                        + "SentencePiece-style BPE (supported: Metaspace)");
            }
            if (!SPACE.equals(p.getString("replacement", SPACE))) {
                throw new ModelFormatException(where + ": Metaspace replacement '" + p.getString("replacement", null)
                        + "' is not supported");
            }
            if (p.getBoolean("split", false)) {
                // split = true cuts words apart before BPE, so "▁▁" pieces never form: not SentencePiece's result
                throw new ModelFormatException(where + ": Metaspace pre-tokenizer with split = true is not supported");
            }
            String scheme = p.getString("prepend_scheme", p.getBoolean("add_prefix_space", true) ? "always" : "never");
            prefix = switch (scheme) {
                case "always", "first" -> true;
                case "never" -> false;
                default -> throw new ModelFormatException(where + ": Metaspace prepend_scheme '" + scheme + "' is not supported");
            };
        }
        String unk = model.get("unk_token") instanceof JsonString s ? s.getString() : null;
        for (int i = 0; i < tokens.length; i++) {
            if (types[i] == 1 && tokens[i].length() == 6 && tokens[i].startsWith("<0x") && tokens[i].endsWith(">")) {
                types[i] = 6;
            } else if (tokens[i].equals(unk)) {
                types[i] = 2;
            }
        }
        // Lower merge rank first in HF = higher score first in SentencePiece's bigram queue.
        float[] scores = new float[tokens.length];
        Arrays.fill(scores, -(float) (merges.size() + 1));
        for (int rank = merges.size() - 1; rank >= 0; rank--) {
            Integer id = ids.get(merges.get(rank)[0] + merges.get(rank)[1]);
            if (id == null) {
                throw new ModelFormatException(where + ": merge #" + rank + " makes '" + merges.get(rank)[0]
                        + merges.get(rank)[1] + "', which is not in the vocabulary");
            }
            scores[id] = -rank;
        }
        for (int i = 0; i < tokens.length; i++) {
            if (types[i] != 1) {
                scores[i] = 0f;
            }
        }
        return VocabData.of("llama", null, tokens, scores, types, null).withFlag(VocabFlag.ADD_SPACE_PREFIX, prefix);
    }

    private static void requireSpaceReplace(JsonObject n, String from, String to, String where, String what) {
        String pattern = n.get("pattern") instanceof JsonObject p && p.get("String") instanceof JsonString s
                ? s.getString() : null;
        if (!from.equals(pattern) || !to.equals(n.getString("content", null))) {
            throw new ModelFormatException(where + ": Replace " + what + " " + n.get("pattern") + " -> '"
                    + n.getString("content", null) + "' is not supported (only '" + from + "' -> '" + to + "')");
        }
    }

    private static VocabData byteLevel(JsonObject tokenizer, String[] tokens, int[] types, List<String[]> merges,
                                       String where) {
        for (JsonObject n : components(tokenizer.get("normalizer"), "normalizers", where)) {
            String type = string(n, "type", where);
            // NFC changes nothing for text already in NFC; llama.cpp does not apply it either.
            if (!type.equals("NFC")) {
                throw new ModelFormatException(where + ": normalizer '" + type + "' is not supported for byte-level "
                        + "BPE (supported: NFC)");
            }
        }
        List<String> splits = new ArrayList<>();
        boolean byteLevelRegex = false;
        for (JsonObject p : components(tokenizer.get("pre_tokenizer"), "pretokenizers", where)) {
            String type = string(p, "type", where);
            switch (type) {
                case "ByteLevel" -> {
                    if (p.getBoolean("add_prefix_space", false)) {
                        throw new ModelFormatException(where + ": ByteLevel add_prefix_space = true is not supported");
                    }
                    byteLevelRegex |= p.getBoolean("use_regex", true);
                }
                case "Split" -> {
                    if (!(p.get("pattern") instanceof JsonObject pat) || !(pat.get("Regex") instanceof JsonString re)) {
                        throw new ModelFormatException(where + ": Split pre-tokenizer without a Regex pattern is not supported");
                    }
                    splits.add(re.getString());
                }
                default -> throw new ModelFormatException(where + ": pre-tokenizer '" + type + "' is not supported for "
                        + "byte-level BPE (supported: Split, ByteLevel)");
            }
        }
        String pre;
        if (splits.isEmpty() && byteLevelRegex) {
            pre = "gpt-2";
        } else if (splits.size() == 1 && !byteLevelRegex && SPLIT_PATTERNS.containsKey(splits.get(0))) {
            pre = SPLIT_PATTERNS.get(splits.get(0));
        } else {
            throw new ModelFormatException(where + ": pre-tokenizer expression(s) " + splits
                    + (byteLevelRegex ? " with ByteLevel's own expression" : "")
                    + " are not supported (known: GPT-2's ByteLevel, Llama 3 and Qwen 2 Split expressions)");
        }
        String[] mergeStrings = new String[merges.size()];
        for (int i = 0; i < mergeStrings.length; i++) {
            mergeStrings[i] = merges.get(i)[0] + " " + merges.get(i)[1];
        }
        return VocabData.of("gpt2", pre, tokens, null, types, mergeStrings);
    }

    private static void checkDecoder(JsonValue decoder, boolean byteLevel, String where) {
        for (JsonObject d : components(decoder, "decoders", where)) {
            String type = string(d, "type", where);
            boolean known = byteLevel ? type.equals("ByteLevel")
                    : List.of("Replace", "ByteFallback", "Fuse", "Strip", "Metaspace").contains(type);
            if (!known) {
                throw new ModelFormatException(where + ": decoder '" + type + "' is not supported for "
                        + (byteLevel ? "byte-level BPE (supported: ByteLevel)"
                        : "SentencePiece-style BPE (supported: Replace, ByteFallback, Fuse, Strip, Metaspace)"));
            }
        }
    }

    /** BOS/EOS/UNK/PAD from tokenizer_config.json, add_bos/add_eos from it or the post-processor. */
    private static VocabData specialTokens(VocabData data, JsonObject tokenizer, JsonObject config,
                                           Map<String, Integer> ids, String where) {
        JsonObject c = config == null ? JsonValue.EMPTY_JSON_OBJECT : config;
        Integer bos = tokenId(c.get("bos_token"), ids, where, "bos_token");
        Integer eos = tokenId(c.get("eos_token"), ids, where, "eos_token");
        Integer unk = tokenId(c.get("unk_token"), ids, where, "unk_token");
        Integer pad = tokenId(c.get("pad_token"), ids, where, "pad_token");
        if (data.model().equals("gpt2") && bos == null) {
            // byte-level vocabularies often name no BOS; llama.cpp's converters use the end-of-text token
            bos = eos != null ? eos : ids.get("<|endoftext|>");
        }
        VocabData out = data;
        if (bos != null) {
            out = out.withSpecialId(SpecialToken.BOS, bos);
        }
        if (eos != null) {
            out = out.withSpecialId(SpecialToken.EOS, eos);
        }
        if (unk != null) {
            out = out.withSpecialId(SpecialToken.UNK, unk);
        }
        if (pad != null) {
            out = out.withSpecialId(SpecialToken.PAD, pad);
        }
        if (c.get("add_bos_token") instanceof JsonValue v && v.getValueType() != JsonValue.ValueType.NULL) {
            out = out.withFlag(VocabFlag.ADD_BOS, v == JsonValue.TRUE);
        } else {
            out = out.withFlag(VocabFlag.ADD_BOS, postProcessorAddsBos(tokenizer.get("post_processor"), bos, ids));
        }
        if (c.get("add_eos_token") instanceof JsonValue v && v.getValueType() != JsonValue.ValueType.NULL) {
            out = out.withFlag(VocabFlag.ADD_EOS, v == JsonValue.TRUE);
        }
        return out;
    }

    /** Whether a TemplateProcessing post-processor starts a single sequence with the BOS token. */
    private static boolean postProcessorAddsBos(JsonValue post, Integer bos, Map<String, Integer> ids) {
        if (bos == null || !(post instanceof JsonObject p)) {
            return false;
        }
        List<JsonObject> parts = new ArrayList<>();
        if ("Sequence".equals(p.getString("type", null)) && p.get("processors") instanceof JsonArray a) {
            a.forEach(v -> {
                if (v instanceof JsonObject o) {
                    parts.add(o);
                }
            });
        } else {
            parts.add(p);
        }
        for (JsonObject part : parts) {
            if ("TemplateProcessing".equals(part.getString("type", null)) && part.get("single") instanceof JsonArray single
                    && !single.isEmpty() && single.get(0) instanceof JsonObject first
                    && first.get("SpecialToken") instanceof JsonObject st && st.get("id") instanceof JsonString name) {
                return bos.equals(ids.get(name.getString()));
            }
        }
        return false;
    }

    /** A special token given as a string or as an AddedToken object; null when absent or null. */
    private static Integer tokenId(JsonValue v, Map<String, Integer> ids, String where, String key) {
        String text;
        if (v instanceof JsonString s) {
            text = s.getString();
        } else if (v instanceof JsonObject o && o.get("content") instanceof JsonString s) {
            text = s.getString();
        } else {
            return null;
        }
        Integer id = ids.get(text);
        if (id == null) {
            throw new ModelFormatException(where + ": " + key + " '" + text + "' is not in the vocabulary");
        }
        return id;
    }

    private static List<String[]> merges(JsonObject model, String where) {
        List<String[]> out = new ArrayList<>();
        JsonValue m = model.get("merges");
        if (m == null || m.getValueType() == JsonValue.ValueType.NULL) {
            return out;
        }
        if (!(m instanceof JsonArray merges)) {
            throw new ModelFormatException(where + ": model.merges is not a list");
        }
        for (JsonValue v : merges) {
            if (v instanceof JsonString s) {
                // the older form: "left right"
                String[] pair = s.getString().split(" ", -1);
                if (pair.length != 2) {
                    throw new ModelFormatException(where + ": merge '" + s.getString() + "' is not two tokens");
                }
                out.add(pair);
            } else if (v instanceof JsonArray a && a.size() == 2 && a.get(0) instanceof JsonString l
                    && a.get(1) instanceof JsonString r) {
                out.add(new String[]{l.getString(), r.getString()});
            } else {
                throw new ModelFormatException(where + ": merge " + v + " is neither \"left right\" nor [left, right]");
            }
        }
        return out;
    }

    /** The components of a normalizer / pre-tokenizer / decoder: none, one, or a Sequence's list. */
    private static List<JsonObject> components(JsonValue v, String listKey, String where) {
        List<JsonObject> out = new ArrayList<>();
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return out;
        }
        if (!(v instanceof JsonObject o)) {
            throw new ModelFormatException(where + ": component " + v + " is not an object");
        }
        if ("Sequence".equals(o.getString("type", null))) {
            if (!(o.get(listKey) instanceof JsonArray a)) {
                throw new ModelFormatException(where + ": Sequence without '" + listKey + "'");
            }
            for (JsonValue item : a) {
                out.addAll(components(item, listKey, where));
            }
        } else {
            out.add(o);
        }
        return out;
    }

    private static boolean hasType(JsonValue v, String type) {
        if (v instanceof JsonObject o) {
            if (type.equals(o.getString("type", null))) {
                return true;
            }
            for (JsonValue child : o.values()) {
                if (child instanceof JsonArray a) {
                    for (JsonValue item : a) {
                        if (hasType(item, type)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private static int id(JsonValue v, String what) {
        if (!(v instanceof JsonNumber n) || !n.isIntegral() || n.longValue() < 0 || n.longValue() > Integer.MAX_VALUE) {
            throw new ModelFormatException(what + " is not a non-negative integer");
        }
        return n.intValue();
    }

    private static String string(JsonObject o, String key, String where) {
        if (!(o.get(key) instanceof JsonString s)) {
            throw new ModelFormatException(where + ": '" + key + "' is missing or not a string in " + o);
        }
        return s.getString();
    }
}
