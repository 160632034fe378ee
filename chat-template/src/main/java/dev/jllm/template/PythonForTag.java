package dev.jllm.template;

import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter.InterpreterScopeClosable;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.ElseTag;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.util.LengthLimitingStringBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * {@code {% for %}} with Jinja2's semantics where Jinjava's differ:
 *
 * <ul>
 *   <li>the inline filter {@code {% for k, v in d.items() if k != "return" %}} (Mistral's tool templates):
 *       Jinjava ignores it and silently renders nothing; here items are filtered before the loop, so
 *       {@code loop.index} and {@code loop.last} count only the kept items, as in Jinja2;
 *   <li>a dict iterates its keys and a string its characters;
 *   <li>{@code loop.previtem} / {@code loop.nextitem} ({@link PythonLoop});
 *   <li>{@code {% else %}} renders when nothing was iterated.
 * </ul>
 */
final class PythonForTag extends ForTag {

    private static final long serialVersionUID = 1L;

    private record Header(List<String> loopVars, String iterable, String condition) {}

    @Override
    @SuppressWarnings("try") // the scope is entered and left by the try; its variable is not needed
    public String interpretUnchecked(TagNode tagNode, JinjavaInterpreter interpreter) {
        Header header = parse(tagNode);
        Object collection = interpreter.resolveELExpression(header.iterable(), tagNode.getLineNumber());
        List<Object> items = iterate(collection, tagNode);
        if (header.condition() != null) {
            items = filter(items, header, tagNode, interpreter);
        }
        List<Node> body = new ArrayList<>();
        List<Node> elseBody = new ArrayList<>();
        List<Node> target = body;
        for (Node child : tagNode.getChildren()) {
            if (child instanceof TagNode tag && tag.getName().equals(ElseTag.TAG_NAME)) {
                target = elseBody;
                continue;
            }
            target.add(child);
        }
        LengthLimitingStringBuilder out =
                new LengthLimitingStringBuilder(interpreter.getConfig().getMaxOutputSize());
        if (items.isEmpty()) {
            for (Node node : elseBody) {
                out.append(node.render(interpreter).getValue());
            }
            return out.toString();
        }
        PythonLoop loop = new PythonLoop(items);
        try (InterpreterScopeClosable scope = interpreter.enterScope()) {
            interpreter.getContext().put(LOOP, loop);
            while (loop.hasNext()) {
                RenderMeter.tick();
                bind(header.loopVars(), interpreter.wrap(loop.next()), interpreter);
                for (Node node : body) {
                    out.append(node.render(interpreter).getValue());
                    // {% continue %} / {% break %} inside the body: skip the rest of this iteration.
                    if (loop.isContinued()) {
                        break;
                    }
                }
            }
        }
        return out.toString();
    }

    @SuppressWarnings("try")
    private static List<Object> filter(
            List<Object> items, Header header, TagNode tagNode, JinjavaInterpreter interpreter) {
        List<Object> kept = new ArrayList<>();
        for (Object item : items) {
            RenderMeter.tick();
            try (InterpreterScopeClosable scope = interpreter.enterScope()) {
                bind(header.loopVars(), interpreter.wrap(item), interpreter);
                Object test = interpreter.resolveELExpression(header.condition(), tagNode.getLineNumber());
                if (PythonTruth.isTrue(test)) {
                    kept.add(item);
                }
            }
        }
        return kept;
    }

    /** The items Python's for would visit. */
    private static List<Object> iterate(Object collection, TagNode tagNode) {
        return switch (collection) {
            case null -> List.of();
            case Map<?, ?> map -> new ArrayList<>(map.keySet());
            case Collection<?> c -> new ArrayList<>(c);
            case Object[] array -> List.of(array);
            case CharSequence s -> s.codePoints().mapToObj(Character::toString).map(Object.class::cast).toList();
            case Iterable<?> iterable -> {
                List<Object> list = new ArrayList<>();
                iterable.forEach(list::add);
                yield list;
            }
            default ->
                    throw new InterpretException(
                            "'" + collection.getClass().getSimpleName() + "' object is not iterable",
                            tagNode.getLineNumber(),
                            tagNode.getStartPosition());
        };
    }

    private static void bind(List<String> vars, Object value, JinjavaInterpreter interpreter) {
        if (vars.size() == 1) {
            interpreter.getContext().put(vars.getFirst(), value);
            return;
        }
        List<?> parts =
                switch (value) {
                    case Map.Entry<?, ?> entry -> List.of(entry.getKey(), entry.getValue());
                    case List<?> list -> list;
                    default -> List.of();
                };
        for (int i = 0; i < vars.size(); i++) {
            interpreter.getContext().put(vars.get(i), i < parts.size() ? interpreter.wrap(parts.get(i)) : null);
        }
    }

    private static Header parse(TagNode tagNode) {
        String helpers = tagNode.getHelpers();
        int in = keyword(helpers, "in", 0);
        if (in < 0) {
            throw new InterpretException(
                    "Tag 'for' expects 'in': {% for" + helpers + "%}",
                    tagNode.getLineNumber(),
                    tagNode.getStartPosition());
        }
        List<String> vars = new ArrayList<>();
        for (String var : helpers.substring(0, in).replace("(", " ").replace(")", " ").split(",")) {
            if (!var.isBlank()) {
                vars.add(var.strip());
            }
        }
        String rest = helpers.substring(in + 2);
        int recursive = keyword(rest, "recursive", 0);
        if (recursive >= 0) {
            throw new InterpretException(
                    "recursive for loops are not supported", tagNode.getLineNumber(), tagNode.getStartPosition());
        }
        int filter = keyword(rest, "if", 0);
        String iterable = (filter < 0 ? rest : rest.substring(0, filter)).strip();
        if (vars.isEmpty() || iterable.isEmpty()) {
            throw new InterpretException(
                    "Tag 'for' expects 'for <names> in <expression>': {% for" + helpers + "%}",
                    tagNode.getLineNumber(),
                    tagNode.getStartPosition());
        }
        return new Header(vars, iterable, filter < 0 ? null : rest.substring(filter + 2).strip());
    }

    /** The index of a keyword standing alone outside strings and brackets, or -1. */
    static int keyword(String s, String word, int from) {
        return BracketWalk.walk(s, from, (i, c, depth) -> depth == 0
                && s.startsWith(word, i)
                && (i == 0 || !isIdentifierChar(s.charAt(i - 1)))
                && (i + word.length() == s.length() || !isIdentifierChar(s.charAt(i + word.length()))) ? i : -1);
    }

    private static boolean isIdentifierChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.';
    }
}
