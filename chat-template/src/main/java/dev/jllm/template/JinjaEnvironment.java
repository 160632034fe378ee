package dev.jllm.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.TypeConvertingMapELResolver;
import com.hubspot.jinjava.el.ext.JinjavaBeanELResolver;
import com.hubspot.jinjava.el.ext.JinjavaListELResolver;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import jinjava.javax.el.ArrayELResolver;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ResourceBundleELResolver;

import java.lang.reflect.Method;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A Jinjava engine set up to render Hugging Face chat templates the way {@code transformers} does: Jinja2
 * with {@code trim_blocks=True, lstrip_blocks=True}, the loop-controls extension, HF's {@code tojson},
 * {@code raise_exception} and {@code strftime_now}, plus the Python behaviour templates rely on (string
 * methods, dict iteration, slices with a step, truthiness).
 */
final class JinjaEnvironment {

    /** Deeper macro recursion than any JSON schema needs is taken for a runaway template. */
    static final int MAX_MACRO_DEPTH = 64;

    private JinjaEnvironment() {}

    /**
     * Lists and dicts a template builds ({@code append}, {@code update}) hold at most this many items: far more
     * than any conversation's messages or tools, and small enough that doubling one in a loop cannot fill the heap.
     */
    static final int MAX_COLLECTION_SIZE = 1 << 18;

    static Jinjava create(Clock clock, RenderBudget budget) {
        LegacyOverrides python =
                LegacyOverrides.newBuilder()
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        // Without this Jinjava ignores "-" in {{- ... -}} and {#- ... -#}.
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withIterateOverMapKeys(true)
                        .withEvaluateMapKeys(true)
                        .build();
        CompositeELResolver resolvers = new CompositeELResolver();
        resolvers.add(new PythonMethodResolver());
        resolvers.add(new ArrayELResolver(true));
        resolvers.add(new JinjavaListELResolver(true));
        resolvers.add(new TypeConvertingMapELResolver(true));
        resolvers.add(new ResourceBundleELResolver());
        resolvers.add(new JinjavaBeanELResolver(true));
        JinjavaConfig config =
                JinjavaConfig.newBuilder()
                        .withTrimBlocks(true)
                        // lstrip_blocks is applied by TemplateSourceRewriter: Jinjava's version strips too much.
                        .withLstripBlocks(false)
                        .withLegacyOverrides(python)
                        // Message text must never be evaluated as template code.
                        .withNestedInterpretationEnabled(false)
                        .withFailOnUnknownTokens(false)
                        // The output and every string it is built from stay within the budget's characters.
                        .withMaxOutputSize(budget.maxChars())
                        .withMaxStringLength(budget.maxChars())
                        .withMaxListSize(MAX_COLLECTION_SIZE)
                        .withMaxMapSize(MAX_COLLECTION_SIZE)
                        // range() is TemplateFunctions.range: complete up to this size, an error beyond
                        .withRangeLimit(MAX_COLLECTION_SIZE)
                        // Jinja2 allows recursive macros (Hermes' json_to_python_type); Jinjava silently drops the
                        // inner call unless told otherwise. The depth bound turns runaway recursion into an error.
                        .withEnableRecursiveMacroCalls(true)
                        .withMaxMacroRecursionDepth(MAX_MACRO_DEPTH)
                        .withElResolver(resolvers)
                        .withInterperterFactory(PythonInterpreter.FACTORY)
                        .withDateTimeProvider(clock::millis)
                        .withTimeZone(clock.getZone())
                        .withLocale(Locale.ENGLISH)
                        // A chat template has no business reading other templates or files.
                        .withDisabled(
                                Map.of(Context.Library.TAG, Set.of("include", "import", "from", "extends")))
                        .build();
        Jinjava jinjava = new Jinjava(config);
        Context globals = jinjava.getGlobalContext();
        globals.registerTag(new PythonForTag());
        globals.registerTag(new PythonIfTag());
        globals.registerTag(new GenerationTag());
        globals.registerTag(new FilterBlockTag());
        globals.registerFilter(new TojsonFilter());
        globals.registerFilter(new ItemsFilter());
        globals.registerFilter(new IndentFilter());
        globals.registerFilter(new StringFilter());
        globals.registerFilter(new ExtremeFilter(true));
        globals.registerFilter(new ExtremeFilter(false));
        globals.registerFilter(new FromJsonFilter());
        globals.registerExpTest(PythonCollectionTests.ITERABLE);
        globals.registerExpTest(PythonCollectionTests.SEQUENCE);
        globals.registerFunction(function("raise_exception", "raiseException", Object.class));
        globals.registerFunction(function("strftime_now", "strftimeNow", Object.class));
        globals.registerFunction(function("dict", "dict", Object[].class));
        globals.registerFunction(function("range", "range", Object.class, Object[].class));
        // Last, so that the filters above are held to the budget as well as Jinjava's own.
        for (Filter filter : List.copyOf(globals.getAllFilters())) {
            globals.registerFilter(new BudgetedFilter(filter));
        }
        return jinjava;
    }

    private static ELFunctionDefinition function(String name, String method, Class<?>... parameters) {
        try {
            Method target = TemplateFunctions.class.getDeclaredMethod(method, parameters);
            // The class is package-private; Jinjava invokes the method reflectively from its own package.
            target.setAccessible(true);
            return new ELFunctionDefinition("", name, target);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("template function " + method + " is missing", e);
        }
    }
}
