package io.pigsty.sandbox;

import io.pigsty.api.exec.Executor;
import io.pigsty.ssh.SshExecutor;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/** The JUnit 5 extension behind {@link PigstySandbox}. */
public final class PigstySandboxExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PigstySandboxExtension.class);

    @Override
    public void beforeAll(ExtensionContext ctx) {
        String why = Sandbox.unavailableReason().orElse(null);
        if (why != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but " + why);
            }
            throw new TestAbortedException("SKIPPED, " + why);
        }
        PigstySandbox a = ctx.getRequiredTestClass().getAnnotation(PigstySandbox.class);
        Sandbox.Builder b = Sandbox.builder().nodes(a.nodes()).progress(System.out::println);
        for (int i : a.debian13()) {
            b.nodeOs(i, io.pigsty.model.DebianRelease.DEBIAN13);
        }
        Sandbox sandbox = b.build().up();
        ctx.getStore(NS).put("sandbox", sandbox);
        ctx.getStore(NS).put("executor", sandbox.executor());
    }

    @Override
    public void afterAll(ExtensionContext ctx) {
        SshExecutor ex = ctx.getStore(NS).remove("executor", SshExecutor.class);
        if (ex != null) {
            ex.close();
        }
        Sandbox s = ctx.getStore(NS).remove("sandbox", Sandbox.class);
        if (s != null && !Boolean.getBoolean("pigsty.sandbox.keep")) {
            s.down();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        Class<?> t = p.getParameter().getType();
        return t == Sandbox.class || t == Executor.class || t == SshExecutor.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        Class<?> t = p.getParameter().getType();
        // stores are hierarchical: a method's store sees what beforeAll put in its class's store
        return e.getStore(NS).get(t == Sandbox.class ? "sandbox" : "executor");
    }
}
