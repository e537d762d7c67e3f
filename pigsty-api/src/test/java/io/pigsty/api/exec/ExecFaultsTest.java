package io.pigsty.api.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.model.InvalidValueException;
import io.pigsty.model.PigstyException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One root, split by what a caller does next; a builder's misuse names its field. */
class ExecFaultsTest {
    private static final Host H = Host.of("10.213.0.11");

    @Test
    void faults_shareTheRoot_andSayWhetherARetryCanHelp() {
        ExecException unreachable = new HostUnreachableException(H, "connect", null, "", "refused", null);
        ExecException auth = new AuthenticationFailedException(H, "connect", null, "", "key refused", null);
        ExecException hostKey = new HostKeyRejectedException(H, true, "CHANGED", null);
        ExecException timeout = new ExecTimeoutException(H, "sleep 9", Duration.ofSeconds(1), null);
        Command c = Command.shell("psql -c \"ALTER ROLE x PASSWORD 'Very.Secret.9'\"").secret("Very.Secret.9").build();
        CommandFailedException failed = ExecException.failed(H, c,
                new ExecResult(3, "", "ERROR: near Very.Secret.9\n", Duration.ofMillis(5)));
        for (PigstyException e : new PigstyException[] {unreachable, auth, hostKey, timeout, failed}) {
            assertThat(e).isInstanceOf(ExecException.class).hasMessageStartingWith("10.213.0.11");
        }
        assertThat(unreachable.retryable()).isTrue();
        assertThat(timeout.retryable()).isTrue();
        assertThat(auth.retryable()).isFalse();
        assertThat(hostKey.retryable()).isFalse();
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.exitCode()).hasValue(3);
        assertThat(failed.getMessage()).doesNotContain("Very.Secret.9").contains("exit 3");
        assertThat(failed.stderrExcerpt()).get().asString().doesNotContain("Very.Secret.9").contains("ERROR");
    }

    @Test
    void builderMisuse_isAPigstyException_namingTheField() {
        assertThatThrownBy(() -> new FileSpec("etc/x", new byte[0], "0644", "root", "root", false))
                .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("path: 'etc/x'")
                .satisfies(e -> assertThat(((InvalidValueException) e).field()).isEqualTo("path"));
        assertThatThrownBy(() -> Command.shell("true").timeout(Duration.ZERO).build())
                .isInstanceOf(PigstyException.class).hasMessageStartingWith("timeout:");
        assertThatThrownBy(() -> Host.of(" ")).isInstanceOf(InvalidValueException.class).hasMessageStartingWith("address:");
    }
}
