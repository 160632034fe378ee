package dev.jllm.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.CollectionTooBigException;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpreterFactory;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.OutputTooBigException;
import com.hubspot.jinjava.interpret.TagCycleException;
import com.hubspot.jinjava.interpret.TemplateError;

/**
 * Jinjava's interpreter with two Python behaviours:
 *
 * <ul>
 *   <li>{@code {{ value }}} prints Python's {@code str(value)} ({@link PythonRepr});
 *   <li>the first fatal error ends the render, as a Python exception would. Jinjava records errors and
 *       carries on, which after a {@code raise_exception(...)} would render on past the point where HF
 *       stops. Warnings (Jinjava's notes on unresolved properties) have no Python counterpart and are
 *       dropped.
 * </ul>
 */
final class PythonInterpreter extends JinjavaInterpreter {

    /** A fatal template error, thrown to end the render; {@link ChatTemplate} reports it. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient TemplateError error;

        Failure(TemplateError error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }

        TemplateError error() {
            return error;
        }
    }

    static final InterpreterFactory FACTORY =
            new InterpreterFactory() {
                @Override
                public JinjavaInterpreter newInstance(JinjavaInterpreter orig) {
                    return new PythonInterpreter(orig);
                }

                @Override
                public JinjavaInterpreter newInstance(Jinjava application, Context context, JinjavaConfig config) {
                    return new PythonInterpreter(application, context, config);
                }
            };

    private PythonInterpreter(Jinjava application, Context context, JinjavaConfig config) {
        super(application, context, config);
    }

    private PythonInterpreter(JinjavaInterpreter orig) {
        super(orig);
    }

    // Every expression, in any tag, output or macro body, is evaluated here: the place to stop a render whose
    // time is spent, whatever shape its loop or recursion takes.
    @Override
    public Object resolveELExpression(String expression, int lineNumber) {
        RenderMeter.tick();
        return checked(super.resolveELExpression(expression, lineNumber));
    }

    @Override
    public Object resolveELExpression(String expression, int lineNumber, int position) {
        RenderMeter.tick();
        return checked(super.resolveELExpression(expression, lineNumber, position));
    }

    /**
     * A string kept by {@code set} or printed stays within the budget, however it was joined ({@code ~},
     * {@code +}).
     */
    private static Object checked(Object value) {
        if (value instanceof CharSequence s) {
            RenderMeter.checkLength(s.length());
        }
        return value;
    }

    @Override
    public String getAsString(Object object) {
        return PythonRepr.str(object);
    }

    @Override
    public void addError(TemplateError error) {
        if (error == null) {
            return;
        }
        // Jinjava's size limits cut a string or list short and carry on with a warning (join, append): a prompt
        // silently cut is worse than none, so they end the render as the budget's other limits do.
        for (Throwable t = error.getException(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof OutputTooBigException || t instanceof CollectionTooBigException) {
                throw new RenderMeter.Exceeded("it builds too much: " + t.getMessage());
            }
        }
        // Jinjava only warns when a macro recursion hits its limit and renders nothing; Python would raise.
        boolean runawayRecursion = error.getException() instanceof TagCycleException;
        if (error.getSeverity() != TemplateError.ErrorType.FATAL && !runawayRecursion) {
            return;
        }
        for (Throwable t = error.getException(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof TemplateFunctions.RaisedByTemplate raised) {
                throw raised;
            }
            if (t instanceof RenderMeter.Exceeded exceeded) {
                throw exceeded;
            }

            if (t instanceof Failure failure) {
                throw failure;
            }
        }
        throw new Failure(error);
    }
}
