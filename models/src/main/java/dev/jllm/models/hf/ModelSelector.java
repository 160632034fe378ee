package dev.jllm.models.hf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Picks the files a {@link ModelReference.Hub} names from a repo listing, the way llama.cpp's {@code -hf} and
 * Ollama's {@code hf.co/} do: a {@code :QUANT} tag picks the GGUF with that quantization in its name, no tag picks
 * Q4_K_M or else the smallest file of at least 4 bits, a file name picks that file. A repo without GGUF files
 * but with safetensors weights gives the files a model directory needs. Anything missing or ambiguous is an error
 * that lists what the repo has, so the user can pick.
 */
public final class ModelSelector {
    /** The default quantization, as in llama.cpp and Ollama: a good size/quality trade-off. */
    public static final String DEFAULT_QUANT = "Q4_K_M";
    public static final String SAFETENSORS_TAG = "safetensors";

    /** Files a Hugging Face model directory needs besides its weights (top level only; absent ones are skipped). */
    static final Set<String> SAFETENSORS_COMPANIONS = Set.of("config.json", "generation_config.json",
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model",
            "chat_template.jinja", "chat_template.json", "model.safetensors.index.json");
    /** Below this many bits per weight quality drops steeply, so the default pick avoids it when it can. */
    private static final int SENSIBLE_BITS = 4;
    private static final int LISTED_MAX = 40;

    private ModelSelector() {
    }

    public static ModelSelection select(ModelReference.Hub ref, List<RepoFile> files) {
        List<GgufModel> ggufs = ggufModels(files);
        if (ref.file() != null) {
            return byFile(ref, files, ggufs);
        }
        if (ref.tag() != null && ref.tag().equalsIgnoreCase(SAFETENSORS_TAG)) {
            return safetensors(ref, files, true);
        }
        List<GgufModel> complete = ggufs.stream().filter(GgufModel::complete).toList();
        if (ref.tag() != null) {
            return byTag(ref, complete, ggufs, files);
        }
        if (!complete.isEmpty()) {
            return byDefault(ref, complete, ggufs);
        }
        if (!ggufs.isEmpty()) {
            throw noMatch(ref + ": the repo's GGUF files are split models with missing parts: "
                    + describe(ggufs));
        }
        ModelSelection st = safetensors(ref, files, false);
        if (st != null) {
            return st;
        }
        throw noMatch(ref + " has neither GGUF files nor a safetensors model; the repo has: " + names(files));
    }

    private static ModelSelection byFile(ModelReference.Hub ref, List<RepoFile> files, List<GgufModel> ggufs) {
        for (GgufModel m : ggufs) {
            for (RepoFile part : m.parts) {
                if (part.path().equals(ref.file()) || part.path().equalsIgnoreCase(ref.file())) {
                    if (!m.complete()) {
                        throw noMatch(ref + ": " + m.describe() + " is a split model with missing parts in the repo");
                    }
                    return m.selection(tagOf(m, ggufs));
                }
            }
        }
        throw new HubException(HubException.Reason.NOT_FOUND, ref + ": no such GGUF file in the repo; "
                + (ggufs.isEmpty() ? "it has no GGUF files, only: " + names(files) : "its GGUF files: " + describe(ggufs)));
    }

    private static ModelSelection byTag(ModelReference.Hub ref, List<GgufModel> complete, List<GgufModel> all,
                                        List<RepoFile> files) {
        String tag = ref.tag();
        List<GgufModel> hits = complete.stream().filter(m -> m.quant != null && (m.quant.equalsIgnoreCase(tag)
                || m.quant.equalsIgnoreCase("UD-" + tag))).toList();
        if (hits.isEmpty()) {
            // A tag may also be a canonical store tag: the stem of a file whose quantization is not unique.
            hits = complete.stream().filter(m -> tagOf(m, all).equalsIgnoreCase(tag)).toList();
        }
        if (hits.size() == 1) {
            return hits.getFirst().selection(tagOf(hits.getFirst(), all));
        }
        if (hits.isEmpty()) {
            String has = complete.isEmpty() ? "it has no GGUF files, only: " + names(files)
                    : "available: " + describe(complete);
            throw noMatch(ref + ": the repo has no GGUF file with quantization " + tag + "; " + has);
        }
        throw noMatch(ref + " is ambiguous: several GGUF files have quantization " + tag + ": " + describe(hits)
                + "; name one as hf.co/" + ref.repo() + "/FILE.gguf");
    }

    private static ModelSelection byDefault(ModelReference.Hub ref, List<GgufModel> complete,
                                            List<GgufModel> all) {
        List<GgufModel> preferred = complete.stream()
                .filter(m -> DEFAULT_QUANT.equalsIgnoreCase(m.quant)).toList();
        if (preferred.size() > 1) {
            throw noMatch(ref + " is ambiguous: several GGUF files are " + DEFAULT_QUANT + ": " + describe(preferred)
                    + "; name one as hf.co/" + ref.repo() + "/FILE.gguf");
        }
        if (preferred.isEmpty()) {
            List<GgufModel> sensible = complete.stream().filter(m -> m.bits() >= SENSIBLE_BITS).toList();
            List<GgufModel> known = complete.stream().filter(m -> m.bits() > 0).toList();
            if (!sensible.isEmpty()) {
                preferred = List.of(sensible.stream().min(Comparator.comparingLong(GgufModel::size)).orElseThrow());
            } else if (!known.isEmpty()) {
                // Only very low-bit files: the largest of them is the least degraded.
                preferred = List.of(known.stream().max(Comparator.comparingLong(GgufModel::size)).orElseThrow());
            } else if (complete.size() == 1) {
                preferred = complete;
            } else {
                throw noMatch(ref + " is ambiguous: its GGUF file names name no quantization: " + describe(complete)
                        + "; name one as hf.co/" + ref.repo() + "/FILE.gguf");
            }
        }
        GgufModel m = preferred.getFirst();
        return m.selection(tagOf(m, all));
    }

    private static ModelSelection safetensors(ModelReference.Hub ref, List<RepoFile> files, boolean required) {
        List<RepoFile> weights = new ArrayList<>();
        List<RepoFile> companions = new ArrayList<>();
        for (RepoFile f : files) {
            if (!f.isTopLevel()) {
                continue; // sub-folders hold other variants (original/, onnx/, ...), not this directory's model
            }
            if (f.path().endsWith(".safetensors")) {
                weights.add(f);
            } else if (SAFETENSORS_COMPANIONS.contains(f.path())) {
                companions.add(f);
            }
        }
        boolean hasConfig = companions.stream().anyMatch(f -> f.path().equals("config.json"));
        if (weights.isEmpty() || !hasConfig) {
            if (!required) {
                return null;
            }
            throw noMatch(ref + ": the repo has no safetensors model (it needs config.json and *.safetensors at "
                    + "the top level); it has: " + names(files));
        }
        List<RepoFile> all = new ArrayList<>(companions);
        all.addAll(weights);
        all.sort(Comparator.comparing(RepoFile::path));
        return new ModelSelection(SAFETENSORS_TAG, ModelFormat.SAFETENSORS, all, "", null);
    }

    /** The quantization when exactly one model in the repo has it, else a tag made from the file's stem. */
    private static String tagOf(GgufModel m, List<GgufModel> all) {
        if (m.quant != null) {
            long same = all.stream().filter(o -> m.quant.equalsIgnoreCase(o.quant)).count();
            if (same == 1) {
                return m.quant;
            }
        }
        String stem = sanitize(m.stem);
        long sameStem = all.stream().filter(o -> sanitize(o.stem).equalsIgnoreCase(stem)).count();
        if (sameStem == 1) {
            return stem;
        }
        String p = m.parts.getFirst().path();
        return sanitize(p.substring(0, p.length() - ".gguf".length()).replace('/', '-'));
    }

    private static String sanitize(String s) {
        String t = s.replaceAll("[^A-Za-z0-9._-]", "_").replace("..", "_");
        while (!t.isEmpty() && !Character.isLetterOrDigit(t.charAt(0))) {
            t = t.substring(1);
        }
        if (t.isEmpty()) {
            t = "model";
        }
        return t.length() > 128 ? t.substring(0, 128) : t;
    }

    /** Groups .gguf files into models: a plain file, or the parts of a split file (same folder, stem and count). */
    static List<GgufModel> ggufModels(List<RepoFile> files) {
        Map<String, GgufModel> byKey = new LinkedHashMap<>();
        for (RepoFile f : files) {
            GgufFileName n = GgufFileName.parse(f.path());
            String lower = f.fileName().toLowerCase(Locale.ROOT);
            // Vision projectors and importance matrices are not models on their own.
            if (n == null || lower.contains("mmproj") || lower.contains("imatrix")) {
                continue;
            }
            String dir = f.path().contains("/") ? f.path().substring(0, f.path().lastIndexOf('/')) : "";
            String quant = n.quantization() != null ? n.quantization() : GgufFileName.quantizationOf(dir);
            String key = n.isSplit() ? dir + "/" + n.stem() + "#" + n.splitCount() : f.path();
            byKey.computeIfAbsent(key, k -> new GgufModel(n.stem(), quant, n.splitCount(), new ArrayList<>()))
                    .parts.add(f);
        }
        List<GgufModel> out = new ArrayList<>(byKey.values());
        for (GgufModel m : out) {
            m.parts.sort(Comparator.comparing(RepoFile::path));
        }
        out.sort(Comparator.comparing(m -> m.parts.getFirst().path()));
        return out;
    }

    private static String describe(List<GgufModel> models) {
        String s = models.stream().limit(LISTED_MAX).map(GgufModel::describe).collect(Collectors.joining(", "));
        return models.size() > LISTED_MAX ? s + " and " + (models.size() - LISTED_MAX) + " more" : s;
    }

    private static String names(List<RepoFile> files) {
        if (files.isEmpty()) {
            return "no files";
        }
        String s = files.stream().limit(LISTED_MAX).map(RepoFile::path).collect(Collectors.joining(", "));
        return files.size() > LISTED_MAX ? s + " and " + (files.size() - LISTED_MAX) + " more" : s;
    }

    private static HubException noMatch(String message) {
        return new HubException(HubException.Reason.NO_MATCH, message);
    }

    /** One GGUF model in a repo: a file, or all parts of a split file. */
    record GgufModel(String stem, String quant, int splitCount, List<RepoFile> parts) {
        long size() {
            return parts.stream().mapToLong(RepoFile::size).sum();
        }

        int bits() {
            return GgufFileName.bits(quant);
        }

        boolean complete() {
            if (splitCount == 0) {
                return parts.size() == 1;
            }
            Map<Integer, RepoFile> byIndex = new HashMap<>();
            for (RepoFile p : parts) {
                byIndex.put(GgufFileName.parse(p.path()).splitIndex(), p);
            }
            return byIndex.size() == splitCount && parts.size() == splitCount;
        }

        String describe() {
            String first = parts.getFirst().path();
            String more = splitCount > 0 ? " +" + (parts.size() - 1) + " of " + splitCount + " parts" : "";
            return (quant == null ? "" : quant + " ") + "(" + first + more + ", " + HumanBytes.format(size()) + ")";
        }

        ModelSelection selection(String tag) {
            return new ModelSelection(tag, ModelFormat.GGUF, parts, parts.getFirst().path(), quant);
        }
    }
}
