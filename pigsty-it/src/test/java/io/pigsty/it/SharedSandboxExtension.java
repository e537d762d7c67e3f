package io.pigsty.it;

import io.pigsty.api.Pigsty;
import io.pigsty.api.exec.Executor;
import io.pigsty.model.Inventory;
import io.pigsty.sandbox.Sandbox;
import io.pigsty.ssh.SshExecutor;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * Behind {@link UsesSharedSandbox}: keeps the {@link SharedSandbox} in the root store, so the
 * engine closes it (the sandbox goes down) after the last class of the run.
 */
public final class SharedSandboxExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SharedSandboxExtension.class);
    private static final Set<Class<?>> TYPES = Set.of(SharedSandbox.class, Sandbox.class, Executor.class, SshExecutor.class,
            Inventory.class, Pigsty.class);

    @Override
    public void beforeAll(ExtensionContext ctx) {
        Sandbox.unavailableReason().ifPresent(why -> {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but " + why);
            }
            throw new TestAbortedException("SKIPPED, " + why);
        });
        shared(ctx);
    }

    private static SharedSandbox shared(ExtensionContext ctx) {
        return ctx.getRoot().getStore(NS).getOrComputeIfAbsent(SharedSandbox.class, k -> SharedSandbox.get(), SharedSandbox.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return TYPES.contains(p.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        SharedSandbox s = shared(e);
        Class<?> t = p.getParameter().getType();
        if (t == SharedSandbox.class) {
            return s;
        } else if (t == Sandbox.class) {
            return s.sandbox();
        } else if (t == Inventory.class) {
            return s.inventory();
        } else if (t == Pigsty.class) {
            return s.pigsty();
        }
        return s.executor();
    }
}
