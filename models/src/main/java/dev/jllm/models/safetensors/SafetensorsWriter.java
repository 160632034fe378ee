package dev.jllm.models.safetensors;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small safetensors files from in-memory tensors (test fixtures, synthetic checkpoints). The header is
 * padded with spaces to a multiple of 8 bytes, as the reference implementation does, so data stay aligned.
 */
public final class SafetensorsWriter {

    private record Entry(String name, SafetensorsDType dtype, long[] shape, byte[] bytes) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** A tensor whose little-endian bytes are given; their count must match the shape. */
    public SafetensorsWriter add(String name, SafetensorsDType dtype, long[] shape, byte[] bytes) {
        long elements = 1;
        for (long d : shape) {
            elements = Math.multiplyExact(elements, d);
        }
        if (elements * dtype.byteSize() != bytes.length) {
            throw new IllegalArgumentException(name + ": " + bytes.length + " bytes for " + elements + " " + dtype);
        }
        entries.add(new Entry(name, dtype, shape.clone(), bytes.clone()));
        return this;
    }

    /** An F32 tensor. */
    public SafetensorsWriter add(String name, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return add(name, SafetensorsDType.F32, shape, b.array());
    }

    public void write(Path target) throws IOException {
        JsonObjectBuilder header = Json.createObjectBuilder();
        if (!metadata.isEmpty()) {
            JsonObjectBuilder m = Json.createObjectBuilder();
            metadata.forEach(m::add);
            header.add("__metadata__", m);
        }
        long offset = 0;
        for (Entry e : entries) {
            JsonArrayBuilder shape = Json.createArrayBuilder();
            for (long d : e.shape()) {
                shape.add(d);
            }
            header.add(e.name(), Json.createObjectBuilder()
                    .add("dtype", e.dtype().name())
                    .add("shape", shape)
                    .add("data_offsets", Json.createArrayBuilder().add(offset).add(offset + e.bytes().length)));
            offset += e.bytes().length;
        }
        StringBuilder json = new StringBuilder(header.build().toString());
        while (json.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) {
            json.append(' ');
        }
        byte[] headerBytes = json.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(target)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array());
            out.write(headerBytes);
            for (Entry e : entries) {
                out.write(e.bytes());
            }
        }
    }
}
