package dev.jllm.models.safetensors;

import dev.jllm.models.MappedFile;
import dev.jllm.models.ModelFormatException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.StringReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A safetensors file, memory-mapped read-only in one piece: an 8-byte little-endian header length, a JSON
 * header naming each tensor's dtype, shape and byte range, then the data. Tensor data are slices of the
 * mapping, never copies; {@link #close()} releases it.
 *
 * <p>The header is checked before anything is trusted: its length fits the file (and a sane bound), it is a
 * JSON object, every byte range lies inside the data area, ranges do not overlap, and each range's size is
 * exactly the shape's element count times the dtype size. A hostile header therefore gives a
 * {@link ModelFormatException} naming the file and the problem, never a huge allocation.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The reference implementation refuses headers above 100 MB; so does this one. */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final long dataOffset;
    private final Map<String, SafetensorsTensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, MemorySegment mapping, long dataOffset,
                            Map<String, SafetensorsTensorInfo> tensors, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.dataOffset = dataOffset;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Maps and validates a safetensors file; a malformed one gives a {@link ModelFormatException}. */
    public static SafetensorsFile open(Path file) throws IOException {
        return MappedFile.open(file, SafetensorsFile::parse);
    }

    private static SafetensorsFile parse(Path file, Arena arena, MemorySegment mapping) {
        long size = mapping.byteSize();
        if (size < 8) {
            throw new ModelFormatException(file + ": not a safetensors file (" + size + " bytes, shorter than the header length)");
        }
        long headerLength = mapping.get(U64_LE, 0);
        if (headerLength < 2 || headerLength > size - 8) {
            throw new ModelFormatException(file + ": header length " + Long.toUnsignedString(headerLength)
                    + " does not fit the file of " + size + " bytes (truncated or not a safetensors file)");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new ModelFormatException(file + ": header of " + headerLength + " bytes exceeds the "
                    + MAX_HEADER_BYTES + "-byte limit");
        }
        byte[] headerBytes = mapping.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(headerBytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(file + ": header is not valid UTF-8");
        }
        if (json.isEmpty() || json.charAt(0) != '{') {
            throw new ModelFormatException(file + ": header is not a JSON object");
        }
        JsonObject header;
        try (JsonReader r = Json.createReader(new StringReader(json))) {
            header = r.readObject();
        } catch (RuntimeException e) {
            // Parsson reports excessive nesting as a bare RuntimeException, hence the broad catch here.
            throw new ModelFormatException(file + ": header is not valid JSON: " + e.getMessage());
        }
        long dataOffset = 8 + headerLength;
        long dataSize = size - dataOffset;
        Map<String, SafetensorsTensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        for (Map.Entry<String, JsonValue> e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                readMetadata(file, e.getValue(), metadata);
                continue;
            }
            SafetensorsTensorInfo t = tensorInfo(file, name, e.getValue(), dataOffset, dataSize);
            tensors.put(name, t);
            ranges.add(new long[]{t.offset(), t.offset() + t.byteSize(), tensors.size() - 1});
        }
        ranges.sort(Comparator.comparingLong(r -> r[0]));
        for (int i = 1; i < ranges.size(); i++) {
            if (ranges.get(i)[0] < ranges.get(i - 1)[1]) {
                throw new ModelFormatException(file + ": tensor data ranges overlap (at byte "
                        + (ranges.get(i)[0] - dataOffset) + " of the data)");
            }
        }
        return new SafetensorsFile(file, arena, mapping, dataOffset, tensors, metadata);
    }

    private static void readMetadata(Path file, JsonValue v, Map<String, String> out) {
        if (!(v instanceof JsonObject o)) {
            throw new ModelFormatException(file + ": __metadata__ is not a JSON object");
        }
        for (Map.Entry<String, JsonValue> m : o.entrySet()) {
            if (!(m.getValue() instanceof JsonString s)) {
                throw new ModelFormatException(file + ": __metadata__ value '" + m.getKey() + "' is not a string");
            }
            out.put(m.getKey(), s.getString());
        }
    }

    private static SafetensorsTensorInfo tensorInfo(Path file, String name, JsonValue v, long dataOffset, long dataSize) {
        String where = file + ": tensor '" + name + "'";
        if (!(v instanceof JsonObject o)) {
            throw new ModelFormatException(where + " is not described by a JSON object");
        }
        if (!(o.get("dtype") instanceof JsonString dtypeName)) {
            throw new ModelFormatException(where + " has no dtype string");
        }
        SafetensorsDType dtype = SafetensorsDType.fromName(dtypeName.getString(), where);
        if (!(o.get("shape") instanceof JsonArray shapeArray)) {
            throw new ModelFormatException(where + " has no shape array");
        }
        if (shapeArray.size() > 8) {
            throw new ModelFormatException(where + " has " + shapeArray.size() + " dimensions (at most 8 supported)");
        }
        long[] shape = new long[shapeArray.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(shapeArray.get(i), where + " shape[" + i + "]");
            try {
                elements = Math.multiplyExact(elements, shape[i]);
            } catch (ArithmeticException overflow) {
                throw new ModelFormatException(where + " has an absurd shape (element count overflows)");
            }
        }
        if (!(o.get("data_offsets") instanceof JsonArray offsets) || offsets.size() != 2) {
            throw new ModelFormatException(where + " has no data_offsets pair");
        }
        long begin = nonNegativeLong(offsets.get(0), where + " data_offsets[0]");
        long end = nonNegativeLong(offsets.get(1), where + " data_offsets[1]");
        if (begin > end || end > dataSize) {
            throw new ModelFormatException(where + " data_offsets [" + begin + ", " + end
                    + ") lie outside the " + dataSize + " data bytes of the file (truncated?)");
        }
        long expected;
        try {
            expected = Math.multiplyExact(elements, dtype.byteSize());
        } catch (ArithmeticException overflow) {
            throw new ModelFormatException(where + " has an absurd shape (byte size overflows)");
        }
        if (end - begin != expected) {
            throw new ModelFormatException(where + " is " + (end - begin) + " bytes, but shape "
                    + java.util.Arrays.toString(shape) + " of " + dtype + " needs " + expected);
        }
        return new SafetensorsTensorInfo(name, dtype, shape, dataOffset + begin, expected);
    }

    private static long nonNegativeLong(JsonValue v, String what) {
        if (!(v instanceof JsonNumber n) || !n.isIntegral()) {
            throw new ModelFormatException(what + " is not an integer");
        }
        long value;
        try {
            value = n.bigIntegerValueExact().longValueExact();
        } catch (ArithmeticException e) {
            throw new ModelFormatException(what + " is out of range");
        }
        if (value < 0) {
            throw new ModelFormatException(what + " is negative");
        }
        return value;
    }

    public Path path() {
        return path;
    }

    /** Absolute offset of the data area (8 + header length). */
    public long dataOffset() {
        return dataOffset;
    }

    /** All tensors, in header order. */
    public Map<String, SafetensorsTensorInfo> tensors() {
        return tensors;
    }

    public Optional<SafetensorsTensorInfo> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The {@code __metadata__} strings (empty when the header has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor's bytes as a slice of the mapping (valid until {@link #close()}). */
    public MemorySegment data(SafetensorsTensorInfo t) {
        if (tensors.get(t.name()) != t && !t.equals(tensors.get(t.name()))) {
            throw new IllegalArgumentException(t.name() + " is not a tensor of " + path);
        }
        return mapping.asSlice(t.offset(), t.byteSize());
    }

    @Override
    public synchronized void close() {
        MappedFile.release(arena);
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + tensors.size() + " tensors]";
    }
}
