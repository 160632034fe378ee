package dev.jllm.models.gguf;

import dev.jllm.models.MappedFile;
import dev.jllm.models.ModelFormatException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF file (versions 2 and 3), memory-mapped read-only in one piece. Tensor data are slices of that mapping,
 * so weights are never copied; {@link #close()} releases the mapping (slices must not be used after that).
 *
 * <p>Metadata values map to Java as follows. Scalars: u8, i8, u16, i16, i32 → {@link Integer}; u32, i64, u64 →
 * {@link Long}; f32 → {@link Float}; f64 → {@link Double}; bool → {@link Boolean}; string → {@link String}.
 * Arrays: u8/i8 → {@code byte[]}, u16/i16 → {@code short[]}, u32/i32 → {@code int[]}, u64/i64 → {@code long[]},
 * f32 → {@code float[]}, f64 → {@code double[]}, bool → {@code boolean[]}, string → {@code String[]}, arrays of
 * arrays → {@code Object[]}. The declared types are kept ({@link #valueType}) so a file can be rewritten as it was.
 */
public final class GgufFile implements AutoCloseable {
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    static final int DEFAULT_ALIGNMENT = 32;
    /** ggml tensors have at most four dimensions. */
    static final int MAX_DIMS = 4;

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final int version;
    private final long alignment;
    private final long dataOffset;
    private final Map<String, Object> metadata;
    private final Map<String, GgufValueType> types;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> tensorsByName;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, int version, long alignment, long dataOffset,
                     Map<String, Object> metadata, Map<String, GgufValueType> types, List<GgufTensorInfo> tensors) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.version = version;
        this.alignment = alignment;
        this.dataOffset = dataOffset;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.types = types;
        this.tensors = List.copyOf(tensors);
        Map<String, GgufTensorInfo> byName = new HashMap<>();
        for (GgufTensorInfo t : tensors) {
            byName.put(t.name(), t);
        }
        this.tensorsByName = byName;
    }

    /** Maps and parses a GGUF file; a malformed file gives a {@link ModelFormatException} naming the problem. */
    public static GgufFile open(Path file) throws IOException {
        return MappedFile.open(file, GgufFile::parse);
    }

    private static GgufFile parse(Path file, Arena arena, MemorySegment mapping) {
        GgufCursor in = new GgufCursor(mapping, file.toString());
        if (mapping.byteSize() < 4 || in.u32("magic") != MAGIC) {
            throw new ModelFormatException(file + ": not a GGUF file (bad magic)");
        }
        int version = in.u32("version");
        if (version == 1) {
            throw new ModelFormatException(file + ": GGUF version 1 is not supported (re-convert the model with a current llama.cpp)");
        }
        if (version != 2 && version != 3) {
            throw new ModelFormatException(file + ": unsupported GGUF version " + Integer.toUnsignedString(version)
                    + (Integer.reverseBytes(version) <= 3 ? " (a big-endian file? only little-endian is supported)" : ""));
        }
        // Each tensor info takes at least 8 (name length) + 4 (dims) + 4 (type) + 8 (offset) bytes.
        long tensorCount = in.count("tensor", 24);
        // Each key-value takes at least 8 (key length) + 4 (type) + 1 byte.
        long kvCount = in.count("metadata key-value", 13);

        Map<String, Object> metadata = new LinkedHashMap<>();
        Map<String, GgufValueType> types = new HashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = in.string("metadata key #" + i);
            GgufValueType type = GgufValueType.fromId(in.u32("type of metadata '" + key + "'"));
            long at = in.position();
            Object value = GgufMetadata.read(in, type, key, 0);
            if (metadata.putIfAbsent(key, value) != null) {
                throw new ModelFormatException(file + ": duplicate metadata key '" + key + "'");
            }
            if (type == GgufValueType.ARRAY) {
                // Remember the declared element type (u8 and i8 arrays are both byte[] in Java).
                in.seek(at);
                types.put(key + "[]", GgufValueType.fromId(in.u32(key)));
                in.seek(at);
                GgufMetadata.read(in, type, key, 0);
            }
            types.put(key, type);
        }

        long alignment = DEFAULT_ALIGNMENT;
        Object a = metadata.get("general.alignment");
        if (a != null) {
            if (!(a instanceof Number n) || n.longValue() <= 0 || Long.bitCount(n.longValue()) != 1) {
                throw new ModelFormatException(file + ": general.alignment must be a power of two, got " + a);
            }
            alignment = n.longValue();
        }

        record Raw(String name, long[] shape, GgmlType type, long offset) {
        }
        Raw[] raw = new Raw[(int) tensorCount];
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < tensorCount; i++) {
            String name = in.string("tensor #" + i + " name");
            if (!names.add(name)) {
                throw new ModelFormatException(file + ": duplicate tensor name '" + name + "'");
            }
            int nDims = in.u32("tensor '" + name + "' rank");
            if (nDims < 0 || nDims > MAX_DIMS) {
                throw new ModelFormatException(file + ": tensor '" + name + "' has " + Integer.toUnsignedString(nDims)
                        + " dimensions (at most " + MAX_DIMS + ")");
            }
            long[] shape = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                shape[d] = in.u64("tensor '" + name + "' dimension");
                if (shape[d] < 0) {
                    throw new ModelFormatException(file + ": tensor '" + name + "' has a negative dimension");
                }
            }
            int typeId = in.u32("tensor '" + name + "' type");
            GgmlType type;
            try {
                type = GgmlType.fromId(typeId);
            } catch (ModelFormatException e) {
                throw new ModelFormatException(file + ": tensor '" + name + "' has an unknown type id " + typeId);
            }
            long offset = in.u64("tensor '" + name + "' offset");
            raw[i] = new Raw(name, shape, type, offset);
        }
        long dataOffset = alignUp(in.position(), alignment);
        long fileSize = mapping.byteSize();

        List<GgufTensorInfo> tensors = new java.util.ArrayList<>(raw.length);
        for (Raw r : raw) {
            long elements = 1;
            try {
                for (long d : r.shape) {
                    elements = Math.multiplyExact(elements, d);
                }
            } catch (ArithmeticException e) {
                throw new ModelFormatException(file + ": tensor '" + r.name + "' has an absurd shape " + java.util.Arrays.toString(r.shape));
            }
            if (r.shape.length > 0 && r.shape[0] % r.type.blockSize() != 0) {
                throw new ModelFormatException(file + ": tensor '" + r.name + "' of type " + r.type + " has rows of "
                        + r.shape[0] + " elements, not a multiple of its block size " + r.type.blockSize());
            }
            long bytes;
            try {
                bytes = r.type.byteSize(elements);
            } catch (ArithmeticException | IllegalArgumentException e) {
                throw new ModelFormatException(file + ": tensor '" + r.name + "' has an absurd size");
            }
            if (r.offset < 0 || r.offset % alignment != 0) {
                throw new ModelFormatException(file + ": tensor '" + r.name + "' has offset " + Long.toUnsignedString(r.offset)
                        + ", not a multiple of the alignment " + alignment);
            }
            if (r.offset > fileSize - dataOffset || bytes > fileSize - dataOffset - r.offset) {
                throw new ModelFormatException(file + ": tensor '" + r.name + "' (" + bytes + " bytes at data offset "
                        + r.offset + ") lies outside the file (" + fileSize + " bytes): truncated or corrupt");
            }
            tensors.add(new GgufTensorInfo(r.name, r.shape, r.type, dataOffset + r.offset, bytes));
        }
        return new GgufFile(file, arena, mapping, version, alignment, dataOffset, metadata, types, tensors);
    }

    static long alignUp(long v, long alignment) {
        return (v + alignment - 1) / alignment * alignment;
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public long alignment() {
        return alignment;
    }

    /** Absolute file offset where tensor data begin. */
    public long dataOffset() {
        return dataOffset;
    }

    /** All metadata in file order (see the class comment for the Java types). */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** The declared GGUF type of a metadata value, or null when absent. */
    public GgufValueType valueType(String key) {
        return types.get(key);
    }

    /** The declared element type of an array value, or null when the key is absent or not an array. */
    public GgufValueType arrayElementType(String key) {
        return types.get(key + "[]");
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    public Optional<String> string(String key) {
        Object v = metadata.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s);
        }
        throw GgufMetadata.typeMismatch(key, v, "a string");
    }

    public String string(String key, String dflt) {
        return string(key).orElse(dflt);
    }

    /** An integer value of any integer type; the default when absent. */
    public long longValue(String key, long dflt) {
        Object v = metadata.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw GgufMetadata.typeMismatch(key, v, "an integer");
    }

    public int integer(String key, int dflt) {
        long v = longValue(key, dflt);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ModelFormatException("metadata '" + key + "' is out of range: " + v);
        }
        return (int) v;
    }

    /** A floating-point value (integers are accepted too); the default when absent. */
    public float float32(String key, float dflt) {
        Object v = metadata.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.floatValue();
        }
        throw GgufMetadata.typeMismatch(key, v, "a number");
    }

    public boolean bool(String key, boolean dflt) {
        Object v = metadata.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw GgufMetadata.typeMismatch(key, v, "a bool");
    }

    /** A string array, or null when absent. */
    public String[] strings(String key) {
        Object v = metadata.get(key);
        if (v == null || v instanceof String[]) {
            return (String[]) v;
        }
        throw GgufMetadata.typeMismatch(key, v, "a string array");
    }

    /** A float array, or null when absent. */
    public float[] floats(String key) {
        Object v = metadata.get(key);
        if (v == null || v instanceof float[]) {
            return (float[]) v;
        }
        throw GgufMetadata.typeMismatch(key, v, "a float array");
    }

    /** An int array (i32/u32 elements; narrower integer arrays are widened), or null when absent. */
    public int[] ints(String key) {
        Object v = metadata.get(key);
        return switch (v) {
            case null -> null;
            case int[] a -> a;
            case short[] a -> {
                boolean unsigned = arrayElementType(key) == GgufValueType.UINT16;
                int[] out = new int[a.length];
                for (int i = 0; i < a.length; i++) {
                    out[i] = unsigned ? Short.toUnsignedInt(a[i]) : a[i];
                }
                yield out;
            }
            case byte[] a -> {
                boolean unsigned = arrayElementType(key) == GgufValueType.UINT8;
                int[] out = new int[a.length];
                for (int i = 0; i < a.length; i++) {
                    out[i] = unsigned ? Byte.toUnsignedInt(a[i]) : a[i];
                }
                yield out;
            }
            default -> throw GgufMetadata.typeMismatch(key, v, "an integer array");
        };
    }

    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    /** A tensor by name, or a clear error naming the missing tensor. */
    public GgufTensorInfo requireTensor(String name) {
        GgufTensorInfo t = tensorsByName.get(name);
        if (t == null) {
            throw new ModelFormatException(path + ": tensor '" + name + "' is missing");
        }
        return t;
    }

    /** The tensor's bytes: a read-only slice of the mapping, valid until {@link #close()}. */
    public MemorySegment data(GgufTensorInfo t) {
        return mapping.asSlice(t.offset(), t.byteSize()).asReadOnly();
    }

    /** The whole mapping (read-only). */
    public MemorySegment mapping() {
        return mapping.asReadOnly();
    }

    @Override
    public synchronized void close() {
        MappedFile.release(arena);
    }

    @Override
    public String toString() {
        return "GGUF v" + version + " " + path + " (" + metadata.size() + " keys, " + tensors.size() + " tensors)";
    }
}
