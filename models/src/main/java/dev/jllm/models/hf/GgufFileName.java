package dev.jllm.models.hf;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a GGUF file's name says about it: the quantization the uploader put in the name (as llama.cpp's
 * {@code -hf} and Ollama's {@code hf.co/} match tags against names) and whether it is one part of a split model
 * ({@code NAME-00001-of-00003.gguf}).
 *
 * @param stem         file name without directory, split suffix and {@code .gguf}
 * @param quantization upper-case quantization such as {@code Q4_K_M}, {@code IQ2_XXS}, {@code BF16}, or
 *                     {@code UD-Q4_K_XL} for Unsloth's dynamic quants; null when the name has none
 * @param splitIndex   1-based part number, 0 for a file that is not split
 * @param splitCount   number of parts, 0 for a file that is not split
 */
public record GgufFileName(String stem, String quantization, int splitIndex, int splitCount) {
    private static final Pattern SPLIT = Pattern.compile("(?i)^(.*)-(\\d{5})-of-(\\d{5})\\.gguf$");
    private static final Pattern QUANT = Pattern.compile(
            "(?i)^(I?Q[1-8](_[A-Z0-9]+)*|TQ[12]_0|BF16|F16|FP16|F32|FP32|MXFP4(_MOE)?)$");
    private static final Pattern BITS = Pattern.compile("^(?:UD-)?(?:I|T)?Q(\\d).*");

    /** Parses the last segment of {@code path}; returns null if it is not a {@code .gguf} name. */
    public static GgufFileName parse(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (!name.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            return null;
        }
        int index = 0;
        int count = 0;
        String stem;
        Matcher m = SPLIT.matcher(name);
        if (m.matches()) {
            stem = m.group(1);
            index = Integer.parseInt(m.group(2));
            count = Integer.parseInt(m.group(3));
            if (index < 1 || count < 1 || index > count) {
                // "-00000-of-00002" or "-00003-of-00002" is not a split part; treat the name as a plain file.
                index = 0;
                count = 0;
                stem = name.substring(0, name.length() - 5);
            }
        } else {
            stem = name.substring(0, name.length() - 5);
        }
        return new GgufFileName(stem, quantizationOf(stem), index, count);
    }

    public boolean isSplit() {
        return splitCount > 0;
    }

    /**
     * Bits per weight the quantization name promises (Q4_K_M: 4, BF16: 16), the measure behind "the smallest
     * sensible" default; 0 when unknown.
     */
    public static int bits(String quantization) {
        if (quantization == null) {
            return 0;
        }
        String q = quantization.toUpperCase(Locale.ROOT);
        Matcher m = BITS.matcher(q);
        if (m.matches()) {
            return Integer.parseInt(m.group(1));
        }
        return switch (q) {
            case "BF16", "F16", "FP16" -> 16;
            case "F32", "FP32" -> 32;
            case "MXFP4", "MXFP4_MOE" -> 4;
            default -> 0;
        };
    }

    /**
     * The quantization named in a stem: the last token (split at {@code -} and {@code .}, which uploaders use as
     * separators, while {@code _} is part of quantization names) that is a known quantization.
     */
    static String quantizationOf(String stem) {
        String[] tokens = stem.split("[-.]");
        for (int i = tokens.length - 1; i >= 0; i--) {
            if (QUANT.matcher(tokens[i]).matches()) {
                String q = tokens[i].toUpperCase(Locale.ROOT);
                return i > 0 && tokens[i - 1].equalsIgnoreCase("UD") ? "UD-" + q : q;
            }
        }
        return null;
    }
}
