package io.pigsty.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecException;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.ExecTimeoutException;
import io.pigsty.api.exec.FileFacts;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.exec.LocalExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalExecutorTest {
    private final LocalExecutor ex = new LocalExecutor();
    private final Host host = Host.of("127.0.0.1");

    @Test
    void run_passesStdinEnvAndExitCode() {
        ExecResult r = ex.run(host, Command.shell("read x; echo \"$x-$GREETING\"; echo err >&2; exit 3")
                .stdin("hello\n").env("GREETING", "hi there").build());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("hello-hi there\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThatThrownBy(() -> r.requireOk(host, Command.of("false"))).isInstanceOf(ExecException.class)
                .hasMessageContaining("exit 3").hasMessageContaining("err");
    }

    @Test
    void timeout_killsTheWholeProcessTree(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("alive");
        Command slow = Command.shell("(sleep 3; touch " + marker + ") & sleep 30").timeout(Duration.ofMillis(500)).build();
        assertThatThrownBy(() -> ex.run(host, slow)).isInstanceOf(ExecTimeoutException.class)
                .hasMessageContaining("timed out");
        Thread.sleep(3500);
        assertThat(marker).doesNotExist();
    }

    @Test
    void secrets_areMaskedInErrors() {
        Command c = Command.shell("echo 'password S3cr3t.Pass is wrong' >&2; exit 1").secret("S3cr3t.Pass").build();
        ExecResult r = ex.run(host, c);
        assertThatThrownBy(() -> r.requireOk(host, c)).hasMessageNotContaining("S3cr3t.Pass").hasMessageContaining("******");
    }

    @Test
    void putFile_isAtomicWithModeAndOwner(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("conf.yml");
        ex.putFile(host, new FileSpec(f.toString(), "a: 1\n".getBytes(), "0640", "nobody", "nogroup", false));
        assertThat(Files.readString(f)).isEqualTo("a: 1\n");
        FileFacts facts = ex.stat(host, f.toString());
        assertThat(facts.mode()).isEqualTo("640");
        assertThat(facts.owner()).isEqualTo("nobody");
        assertThat(Files.list(dir)).hasSize(1); // no temp file left behind
        assertThat(ex.readFile(host, dir.resolve("missing").toString())).isEmpty();
        assertThat(ex.stat(host, dir.resolve("missing").toString()).exists()).isFalse();
    }

    @Test
    void user_runsAsThatUser() {
        assertThat(ex.run(host, Command.shell("id -un").user("nobody").build()).stdout().strip()).isEqualTo("nobody");
    }
}
