package dev.jllm.models.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes GGUF v3 files: typed metadata, then tensor infos, then the aligned tensor data. Tensor bytes come from
 * a {@link TensorSource} that writes straight into the file channel at its position, so multi-gigabyte synthetic
 * models are produced without holding them in memory. The file is written beside the target and moved into
 * place only when complete.
 */
public final class GgufWriter {

    /** Writes exactly {@code byteSize} bytes of one tensor into {@code out} starting at {@code position}. */
    @FunctionalInterface
    public interface TensorSource {
        void write(FileChannel out, long position, long byteSize) throws IOException;
    }

    private record Value(GgufValueType type, GgufValueType elementType, Object value) {
    }

    private record Tensor(String name, GgmlType type, long[] shape, long byteSize, TensorSource source) {
    }

    private final Map<String, Value> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private long alignment = GgufFile.DEFAULT_ALIGNMENT;

    public GgufWriter alignment(long alignment) {
        if (alignment <= 0 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
        this.alignment = alignment;
        return put("general.alignment", GgufValueType.UINT32, alignment);
    }

    /** A scalar value of the given type (integers as any {@link Number}). */
    public GgufWriter put(String key, GgufValueType type, Object value) {
        if (type == GgufValueType.ARRAY) {
            throw new IllegalArgumentException("use putArray for arrays");
        }
        metadata.put(key, new Value(type, null, Objects.requireNonNull(value, key)));
        return this;
    }

    /** An array whose Java form is one of those {@link GgufFile#metadata()} returns. */
    public GgufWriter putArray(String key, GgufValueType elementType, Object array) {
        metadata.put(key, new Value(GgufValueType.ARRAY, elementType, Objects.requireNonNull(array, key)));
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValueType.STRING, value);
    }

    public GgufWriter putUInt32(String key, long value) {
        return put(key, GgufValueType.UINT32, value);
    }

    public GgufWriter putInt32(String key, int value) {
        return put(key, GgufValueType.INT32, value);
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValueType.FLOAT32, value);
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValueType.BOOL, value);
    }

    public GgufWriter putStrings(String key, String[] values) {
        return putArray(key, GgufValueType.STRING, values);
    }

    public GgufWriter putFloats(String key, float[] values) {
        return putArray(key, GgufValueType.FLOAT32, values);
    }

    public GgufWriter putInts(String key, int[] values) {
        return putArray(key, GgufValueType.INT32, values);
    }

    /** Copies every metadata value of {@code source} with its declared type (except the alignment). */
    public GgufWriter copyMetadata(GgufFile source) {
        for (Map.Entry<String, Object> e : source.metadata().entrySet()) {
            String key = e.getKey();
            if (key.equals("general.alignment")) {
                continue;
            }
            GgufValueType type = source.valueType(key);
            if (type == GgufValueType.ARRAY) {
                putArray(key, source.arrayElementType(key), e.getValue());
            } else {
                put(key, type, e.getValue());
            }
        }
        return this;
    }

    public GgufWriter addTensor(String name, GgmlType type, long[] shape, TensorSource source) {
        long elements = 1;
        for (long d : shape) {
            elements = Math.multiplyExact(elements, d);
        }
        if (shape.length > GgufFile.MAX_DIMS) {
            throw new IllegalArgumentException(name + ": at most " + GgufFile.MAX_DIMS + " dimensions");
        }
        if (shape.length > 0 && shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": rows of " + shape[0] + " are not a multiple of " + type + "'s block size");
        }
        tensors.add(new Tensor(name, type, shape.clone(), type.byteSize(elements), source));
        return this;
    }

    /** A tensor whose bytes (already in the file layout of {@code type}) are in memory. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, MemorySegment bytes) {
        MemorySegment copy = bytes;
        return addTensor(name, type, shape, (out, pos, size) -> {
            if (copy.byteSize() != size) {
                throw new IOException(name + ": " + copy.byteSize() + " bytes given, " + size + " needed");
            }
            writeFully(out, copy.asByteBuffer(), pos);
        });
    }

    /** An F32 tensor from floats. */
    public GgufWriter addTensor(String name, long[] shape, float[] values) {
        return addTensor(name, GgmlType.F32, shape, MemorySegment.ofArray(littleEndian(values)));
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    public void write(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = (dir == null ? Path.of(".") : dir).resolve(target.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] header = header();
            writeFully(out, ByteBuffer.wrap(header), 0);
            long dataStart = GgufFile.alignUp(header.length, alignment);
            long offset = 0;
            for (Tensor t : tensors) {
                t.source.write(out, dataStart + offset, t.byteSize);
                offset = GgufFile.alignUp(offset + t.byteSize, alignment);
            }
            // The file ends after the last tensor's padding, as llama.cpp's writer does.
            long end = dataStart + offset;
            if (out.size() < end) {
                writeFully(out, ByteBuffer.allocate((int) (end - out.size())), out.size());
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private byte[] header() {
        Out out = new Out();
        out.u32(GgufFile.MAGIC);
        out.u32(3);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (Map.Entry<String, Value> e : metadata.entrySet()) {
            out.string(e.getKey());
            Value v = e.getValue();
            out.u32(v.type.id());
            if (v.type == GgufValueType.ARRAY) {
                out.array(v.elementType, v.value);
            } else {
                out.scalar(v.type, v.value);
            }
        }
        long offset = 0;
        for (Tensor t : tensors) {
            out.string(t.name);
            out.u32(t.shape.length);
            for (long d : t.shape) {
                out.u64(d);
            }
            out.u32(t.type.id());
            out.u64(offset);
            offset = GgufFile.alignUp(offset + t.byteSize, alignment);
        }
        return out.bytes();
    }

    static void writeFully(FileChannel out, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            pos += out.write(buf, pos);
        }
    }

    /** Little-endian encoder for the header. */
    private static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        void u8(int v) {
            bytes.write(v);
        }

        void u16(int v) {
            scratch.clear();
            scratch.putShort((short) v);
            bytes.write(scratch.array(), 0, 2);
        }

        void u32(long v) {
            scratch.clear();
            scratch.putInt((int) v);
            bytes.write(scratch.array(), 0, 4);
        }

        void u64(long v) {
            scratch.clear();
            scratch.putLong(v);
            bytes.write(scratch.array(), 0, 8);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes.write(b, 0, b.length);
        }

        void scalar(GgufValueType type, Object v) {
            switch (type) {
                case UINT8, INT8 -> u8(((Number) v).intValue());
                case UINT16, INT16 -> u16(((Number) v).intValue());
                case UINT32, INT32 -> u32(((Number) v).longValue());
                case UINT64, INT64 -> u64(((Number) v).longValue());
                case FLOAT32 -> u32(Float.floatToRawIntBits(((Number) v).floatValue()));
                case FLOAT64 -> u64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
                case BOOL -> u8((Boolean) v ? 1 : 0);
                case STRING -> string((String) v);
                case ARRAY -> throw new IllegalArgumentException("nested array as scalar");
            }
        }

        void array(GgufValueType elementType, Object array) {
            u32(elementType.id());
            switch (array) {
                case byte[] a -> {
                    u64(a.length);
                    bytes.write(a, 0, a.length);
                }
                case short[] a -> {
                    u64(a.length);
                    for (short x : a) {
                        u16(x);
                    }
                }
                case int[] a -> {
                    u64(a.length);
                    for (int x : a) {
                        if (elementType == GgufValueType.UINT64 || elementType == GgufValueType.INT64) {
                            u64(x);
                        } else {
                            scalar(elementType, x);
                        }
                    }
                }
                case long[] a -> {
                    u64(a.length);
                    for (long x : a) {
                        scalar(elementType, x);
                    }
                }
                case float[] a -> {
                    u64(a.length);
                    for (float x : a) {
                        u32(Float.floatToRawIntBits(x));
                    }
                }
                case double[] a -> {
                    u64(a.length);
                    for (double x : a) {
                        u64(Double.doubleToRawLongBits(x));
                    }
                }
                case boolean[] a -> {
                    u64(a.length);
                    for (boolean x : a) {
                        u8(x ? 1 : 0);
                    }
                }
                case String[] a -> {
                    u64(a.length);
                    for (String x : a) {
                        string(x);
                    }
                }
                case Object[] a -> {
                    u64(a.length);
                    for (Object x : a) {
                        array(GgufMetadata.elementType(x), x);
                    }
                }
                default -> throw new IllegalArgumentException("not a GGUF array: " + array.getClass());
            }
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
