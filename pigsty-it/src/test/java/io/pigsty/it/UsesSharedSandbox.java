package io.pigsty.it;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An IT class on the {@link SharedSandbox}: it is deployed before the class's first test (once
 * per JVM), and test or lifecycle methods may take {@link SharedSandbox},
 * {@link io.pigsty.sandbox.Sandbox}, {@link io.pigsty.api.exec.Executor},
 * {@link io.pigsty.ssh.SshExecutor}, {@link io.pigsty.model.Inventory} or
 * {@link io.pigsty.api.Pigsty} parameters. Methods run in {@code @Order}; put the class itself in
 * an {@link ItOrder} slot with {@code @Order} on the class.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(SharedSandboxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public @interface UsesSharedSandbox {
}
