package dev.jllm.models.gguf;

import dev.jllm.models.ModelFormatException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Decodes GGUF metadata values into plain Java values (see {@link GgufFile#metadata()} for the mapping). */
final class GgufMetadata {
    /** Nesting of arrays in arrays: real files use none; a hostile one must not recurse without end. */
    private static final int MAX_DEPTH = 8;

    private GgufMetadata() {
    }

    static Object read(GgufCursor in, GgufValueType type, String key, int depth) {
        return switch (type) {
            case UINT8 -> in.u8(key);
            case INT8 -> (int) (byte) in.u8(key);
            case UINT16 -> Short.toUnsignedInt(in.u16(key));
            case INT16 -> (int) in.u16(key);
            case UINT32 -> Integer.toUnsignedLong(in.u32(key));
            case INT32 -> in.u32(key);
            case FLOAT32 -> in.f32(key);
            case BOOL -> {
                int b = in.u8(key);
                if (b > 1) {
                    throw in.error("metadata '" + key + "' has a bool value of " + b);
                }
                yield b == 1;
            }
            case STRING -> in.string("metadata '" + key + "'");
            case UINT64, INT64 -> in.u64(key);
            case FLOAT64 -> in.f64(key);
            case ARRAY -> readArray(in, key, depth);
        };
    }

    static GgufValueType elementType(Object array) {
        return switch (array) {
            case byte[] _ -> GgufValueType.INT8;
            case short[] _ -> GgufValueType.INT16;
            case int[] _ -> GgufValueType.INT32;
            case long[] _ -> GgufValueType.INT64;
            case float[] _ -> GgufValueType.FLOAT32;
            case double[] _ -> GgufValueType.FLOAT64;
            case boolean[] _ -> GgufValueType.BOOL;
            case String[] _ -> GgufValueType.STRING;
            default -> GgufValueType.ARRAY;
        };
    }

    private static Object readArray(GgufCursor in, String key, int depth) {
        if (depth >= MAX_DEPTH) {
            throw in.error("metadata '" + key + "' nests arrays more than " + MAX_DEPTH + " deep");
        }
        GgufValueType et = GgufValueType.fromId(in.u32(key + " element type"));
        long n = in.count("metadata '" + key + "' array", et.minBytes());
        if (n > Integer.MAX_VALUE - 8) {
            throw in.error("metadata '" + key + "' array is too long: " + n);
        }
        int len = (int) n;
        String what = "metadata '" + key + "' array";
        return switch (et) {
            case UINT8, INT8 -> in.slice(len, what).toArray(ValueLayout.JAVA_BYTE);
            case UINT16, INT16 -> in.slice(2L * len, what).toArray(le(ValueLayout.JAVA_SHORT_UNALIGNED));
            case UINT32, INT32 -> in.slice(4L * len, what).toArray(le(ValueLayout.JAVA_INT_UNALIGNED));
            case UINT64, INT64 -> in.slice(8L * len, what).toArray(le(ValueLayout.JAVA_LONG_UNALIGNED));
            case FLOAT32 -> in.slice(4L * len, what).toArray(le(ValueLayout.JAVA_FLOAT_UNALIGNED));
            case FLOAT64 -> in.slice(8L * len, what).toArray(le(ValueLayout.JAVA_DOUBLE_UNALIGNED));
            case BOOL -> {
                MemorySegment s = in.slice(len, what);
                boolean[] out = new boolean[len];
                for (int i = 0; i < len; i++) {
                    out[i] = s.get(ValueLayout.JAVA_BYTE, i) != 0;
                }
                yield out;
            }
            case STRING -> {
                String[] out = new String[len];
                for (int i = 0; i < len; i++) {
                    out[i] = in.string(what + " element " + i);
                }
                yield out;
            }
            case ARRAY -> {
                Object[] out = new Object[len];
                for (int i = 0; i < len; i++) {
                    out[i] = readArray(in, key, depth + 1);
                }
                yield out;
            }
        };
    }

    private static <L extends ValueLayout> L le(L layout) {
        @SuppressWarnings("unchecked")
        L l = (L) layout.withOrder(ByteOrder.LITTLE_ENDIAN);
        return l;
    }

    static ModelFormatException typeMismatch(String key, Object value, String wanted) {
        return new ModelFormatException("metadata '" + key + "' should be " + wanted + " but is "
                + (value == null ? "absent" : value.getClass().getSimpleName()));
    }
}
