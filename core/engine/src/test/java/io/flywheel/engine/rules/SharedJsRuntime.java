package io.flywheel.engine.rules;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands a test a {@link JsRuntime} parameter: one for the whole test run, as Flywheel shares one
 * engine between all its rules (starting one, with its warm-up, takes about a second). Closed when
 * the run ends. Tests compile their own scripts in it and close those themselves.
 */
public final class SharedJsRuntime implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedJsRuntime.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == JsRuntime.class;
    }

    @Override
    public JsRuntime resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(JsRuntime.class, k -> JsRuntime.start(), JsRuntime.class);
    }
}
