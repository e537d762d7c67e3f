package io.pigsty.sandbox;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a running sandbox, shared by its tests: inject {@link Sandbox} or an
 * {@link io.pigsty.api.exec.Executor} for its nodes as test or lifecycle method parameters. The
 * sandbox is brought down after the class unless {@code -Dpigsty.sandbox.keep=true}. Where it
 * cannot run (not Linux, not root) the class is skipped with the reason, except under
 * {@code CI=true}, where that is a failure.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(PigstySandboxExtension.class)
public @interface PigstySandbox {
    /** @return number of nodes (10.213.0.10 upward) */
    int nodes() default 4;

    /** @return 0-based indexes of the nodes booted from the Debian 13 template (the others: Debian 12) */
    int[] debian13() default {};
}
