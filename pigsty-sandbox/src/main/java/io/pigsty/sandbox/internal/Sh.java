package io.pigsty.sandbox.internal;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.ExecResult;
import io.pigsty.api.exec.Host;
import io.pigsty.api.exec.LocalExecutor;
import java.time.Duration;

/** Runs the sandbox's host-side commands (ip, unshare, nspawn, debootstrap) on this machine. */
public final class Sh {
    private static final LocalExecutor LOCAL = new LocalExecutor();
    private static final Host HOST = new Host("127.0.0.1", "sandbox-host");

    private Sh() {
    }

    /**
     * @param script  shell script
     * @param timeout limit
     * @return result, whatever the exit status
     */
    public static ExecResult run(String script, Duration timeout) {
        return LOCAL.run(HOST, Command.shell(script).timeout(timeout).build());
    }

    /**
     * @param script shell script
     * @param timeout limit
     * @return stdout
     * @throws io.pigsty.api.exec.ExecException when it fails
     */
    public static String ok(String script, Duration timeout) {
        Command c = Command.shell(script).timeout(timeout).build();
        return LOCAL.run(HOST, c).requireOk(HOST, c).stdout();
    }
}
