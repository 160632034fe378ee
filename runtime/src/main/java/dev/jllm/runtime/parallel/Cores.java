package dev.jllm.runtime.parallel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The number of physical cores, the default thread count: kernels are bound by memory bandwidth and vector
 * units, which two hyper-threads of one core share, so a second thread per core mostly adds contention.
 */
public final class Cores {

    private static final int PHYSICAL = count();

    private Cores() {}

    /** Physical cores available to this process (at least 1, at most the available processors). */
    public static int physical() {
        return PHYSICAL;
    }

    private static int count() {
        int available = Runtime.getRuntime().availableProcessors();
        // Linux: distinct (package, core) pairs of the online CPUs; elsewhere (or on any doubt) all processors.
        Path cpus = Path.of("/sys/devices/system/cpu");
        if (!Files.isDirectory(cpus)) {
            return available;
        }
        Set<String> cores = new HashSet<>();
        int logical = 0;
        try (var dirs = Files.newDirectoryStream(cpus, "cpu[0-9]*")) {
            for (Path cpu : dirs) {
                Path topology = cpu.resolve("topology");
                if (!Files.isDirectory(topology)) {
                    continue;
                }
                logical++;
                cores.add(Files.readString(topology.resolve("physical_package_id")).trim() + ":"
                        + Files.readString(topology.resolve("core_id")).trim());
            }
        } catch (IOException | RuntimeException e) {
            return available;
        }
        if (cores.isEmpty() || logical == 0) {
            return available;
        }
        // With fewer processors available than online (a CPU quota or affinity), scale by threads per core.
        int perCore = Math.max(1, logical / cores.size());
        return Math.max(1, Math.min(cores.size(), available / perCore));
    }
}
