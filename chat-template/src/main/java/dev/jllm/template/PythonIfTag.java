package dev.jllm.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.IfTag;
import com.hubspot.jinjava.tree.TagNode;

/**
 * {@code {% if %}} / {@code {% elif %}} with Python truthiness, so a message whose content is the word
 * "false" still counts as present ({@code {% if message.content %}}).
 */
final class PythonIfTag extends IfTag {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean isPositiveIfElseNode(TagNode tagNode, JinjavaInterpreter interpreter) {
        return PythonTruth.isTrue(
                interpreter.resolveELExpression(
                        tagNode.getHelpers(), tagNode.getLineNumber(), tagNode.getStartPosition()));
    }
}
