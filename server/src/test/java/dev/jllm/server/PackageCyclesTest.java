package dev.jllm.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Packages depend on each other one way only: over the main sources of every module of the build, the graph of
 * "package A imports something of package B" has no cycle. Reading package and import lines is enough (the
 * sources never name another jllm package's class fully qualified in code), so this runs in a second without
 * compiling anything. A failure lists each cycle with the imports that close it.
 */
class PackageCyclesTest {

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern IMPORT =
            Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+?)(?:\\.\\*)?\\s*;", Pattern.MULTILINE);

    @Test
    void noPackageImportsItselfBackThroughOthers() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("pom.xml")).as("the build's root beside this module").exists();
        Map<Path, String> packageOf = new TreeMap<>();
        Map<Path, List<String>> importsOf = new HashMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(PackageCyclesTest::isMainSource).toList()) {
                String text = Files.readString(f);
                Matcher p = PACKAGE.matcher(text);
                if (!p.find()) {
                    continue;
                }
                packageOf.put(f, p.group(1));
                List<String> imports = new ArrayList<>();
                for (Matcher m = IMPORT.matcher(text); m.find(); ) {
                    imports.add(m.group(1));
                }
                importsOf.put(f, imports);
            }
        }
        assertThat(packageOf).as("main sources found under " + root).hasSizeGreaterThan(100);

        Set<String> packages = new TreeSet<>(packageOf.values());
        Map<String, Set<String>> edges = new TreeMap<>();
        Map<String, List<String>> why = new HashMap<>();
        packageOf.forEach((file, pkg) -> {
            for (String imported : importsOf.get(file)) {
                String target = owningPackage(imported, packages);
                if (target != null && !target.equals(pkg)) {
                    edges.computeIfAbsent(pkg, k -> new TreeSet<>()).add(target);
                    why.computeIfAbsent(pkg + " -> " + target, k -> new ArrayList<>())
                            .add(root.relativize(file) + " imports " + imported);
                }
            }
        });

        List<String> report = new ArrayList<>();
        for (Set<String> cycle : new Components(packages, edges).cycles()) {
            report.add("cycle among " + cycle + ":");
            for (String from : cycle) {
                for (String to : edges.getOrDefault(from, Set.of())) {
                    if (cycle.contains(to)) {
                        report.add("  " + from + " -> " + to + ", e.g. " + why.get(from + " -> " + to).getFirst());
                    }
                }
            }
        }
        assertThat(report).as(String.join("\n", report)).isEmpty();
    }

    private static boolean isMainSource(Path f) {
        String s = f.toString().replace('\\', '/');
        return s.endsWith(".java") && s.contains("/src/main/java/") && !s.contains("/target/")
                && !s.contains("/.git/") && !s.contains("/node_modules/");
    }

    /** The longest known package that {@code imported} (a class, a nested class or a static member) lies in. */
    private static String owningPackage(String imported, Set<String> packages) {
        for (String s = imported; ; ) {
            if (packages.contains(s)) {
                return s;
            }
            int dot = s.lastIndexOf('.');
            if (dot < 0) {
                return null;
            }
            s = s.substring(0, dot);
        }
    }

    /** Tarjan's strongly connected components; a component of more than one package is a cycle. */
    private static final class Components {
        private final Map<String, Set<String>> edges;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new HashSet<>();
        private final List<Set<String>> cycles = new ArrayList<>();

        Components(Set<String> nodes, Map<String, Set<String>> edges) {
            this.edges = edges;
            for (String n : nodes) {
                if (!index.containsKey(n)) {
                    visit(n);
                }
            }
        }

        List<Set<String>> cycles() {
            return cycles;
        }

        private void visit(String v) {
            index.put(v, index.size());
            low.put(v, index.get(v));
            stack.push(v);
            onStack.add(v);
            for (String w : edges.getOrDefault(v, Set.of())) {
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (onStack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                Set<String> component = new TreeSet<>();
                String w;
                do {
                    w = stack.pop();
                    onStack.remove(w);
                    component.add(w);
                } while (!w.equals(v));
                if (component.size() > 1) {
                    cycles.add(component);
                }
            }
        }
    }
}
