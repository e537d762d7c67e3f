package io.pigsty.api.exec;

import io.pigsty.api.quote.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A command to run on a host: either an argv (quoted for the remote shell by
 * {@link ShellQuote}) or a shell script given as is, with optional stdin, environment, user and
 * timeout.
 *
 * <p>Secrets that appear in the command line or environment are listed in {@link #secrets()} so
 * that every log line, error and rendered plan masks them.
 */
public final class Command {
    /** Timeout applied when none is given: every remote call is bounded. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private final List<String> argv;
    private final String script;
    private final byte[] stdin;
    private final Map<String, String> env;
    private final String user;
    private final Duration timeout;
    private final Set<String> secrets;
    /** Computed once: a plan renders, compares and runs the same command many times. */
    private final String line;

    private Command(Builder b) {
        if ((b.argv == null) == (b.script == null)) {
            throw new io.pigsty.model.InvalidValueException("command", null, "a command is either an argv or a shell script");
        }
        this.argv = b.argv == null ? List.of() : List.copyOf(b.argv);
        if (b.argv != null && argv.isEmpty()) {
            throw new io.pigsty.model.InvalidValueException("argv", null, "is empty");
        }
        this.script = b.script;
        this.stdin = b.stdin == null ? null : b.stdin.clone();
        this.env = Map.copyOf(b.env);
        this.user = b.user;
        this.timeout = Objects.requireNonNull(b.timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new io.pigsty.model.InvalidValueException("timeout", String.valueOf(timeout), "must be positive");
        }
        this.secrets = Set.copyOf(b.secrets);
        this.line = line();
    }

    /**
     * @param argv program and arguments
     * @return a command running exactly these words
     */
    public static Command of(String... argv) {
        return argv(List.of(argv)).build();
    }

    /**
     * @param argv program and arguments
     * @return a builder for a command running exactly these words
     */
    public static Builder argv(List<String> argv) {
        Builder b = new Builder();
        b.argv = new ArrayList<>(argv);
        return b;
    }

    /**
     * @param script a POSIX shell script, run by {@code sh -c}; the caller quotes any variable
     *               part with {@link ShellQuote}
     * @return a builder for it
     */
    public static Builder shell(String script) {
        Builder b = new Builder();
        b.script = Objects.requireNonNull(script, "script");
        return b;
    }

    /** @return the argv, empty for a shell script */
    public List<String> argv() {
        return argv;
    }

    /** @return the script, empty for an argv command */
    public Optional<String> script() {
        return Optional.ofNullable(script);
    }

    /** @return bytes fed to the command's stdin, if any */
    public Optional<byte[]> stdin() {
        return Optional.ofNullable(stdin).map(byte[]::clone);
    }

    /** @return environment variables set for the command */
    public Map<String, String> env() {
        return env;
    }

    /** @return the OS user to run as (via {@code sudo -n -u}), empty for the connecting user */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** @return how long the command may run before it is killed */
    public Duration timeout() {
        return timeout;
    }

    /** @return substrings that must never be shown (passwords passed on the command line) */
    public Set<String> secrets() {
        return secrets;
    }

    /**
     * The command as one POSIX shell line, without user switching: the argv quoted word by
     * word, or the script wrapped as {@code sh -c '<script>'}; environment as leading
     * {@code env K=V} words. Executors send this line; it is not masked.
     *
     * @return the line to execute
     */
    public String commandLine() {
        return line;
    }

    private String line() {
        List<String> words = new ArrayList<>();
        if (!env.isEmpty()) {
            words.add("env");
            env.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> words.add(e.getKey() + "=" + e.getValue()));
        }
        if (script != null) {
            words.addAll(List.of("sh", "-c", script));
        } else {
            words.addAll(argv);
        }
        return ShellQuote.join(words);
    }

    /**
     * @return the command line with every secret replaced by {@code ******}: what logs,
     *         errors and rendered plans show
     */
    public String display() {
        return mask(commandLine());
    }

    /**
     * @param text any text produced by or about this command (stderr, an error message)
     * @return the text with this command's secrets masked
     */
    public String mask(String text) {
        String out = text;
        for (String s : secrets) {
            if (!s.isEmpty()) {
                out = out.replace(s, "******");
                String quoted = ShellQuote.quote(s);
                if (!quoted.equals(s)) {
                    out = out.replace(quoted, "******");
                }
            }
        }
        return out;
    }

    /** @return a builder pre-filled from this command */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.argv = script == null ? new ArrayList<>(argv) : null;
        b.script = script;
        b.stdin = stdin;
        b.env.putAll(env);
        b.user = user;
        b.timeout = timeout;
        b.secrets.addAll(secrets);
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Command c && argv.equals(c.argv) && Objects.equals(script, c.script)
                && Arrays.equals(stdin, c.stdin) && env.equals(c.env) && Objects.equals(user, c.user)
                && timeout.equals(c.timeout) && secrets.equals(c.secrets);
    }

    @Override
    public int hashCode() {
        return Objects.hash(argv, script, Arrays.hashCode(stdin), env, user, timeout, secrets);
    }

    @Override
    public String toString() {
        return (user == null ? "" : "[" + user + "] ") + display();
    }

    /** Builder of {@link Command}. */
    public static final class Builder {
        private List<String> argv;
        private String script;
        private byte[] stdin;
        private final Map<String, String> env = new LinkedHashMap<>();
        private String user;
        private Duration timeout = DEFAULT_TIMEOUT;
        private final Set<String> secrets = new LinkedHashSet<>();

        private Builder() {
        }

        /**
         * @param bytes fed to stdin
         * @return this
         */
        public Builder stdin(byte[] bytes) {
            this.stdin = Objects.requireNonNull(bytes, "stdin").clone();
            return this;
        }

        /**
         * @param text fed to stdin as UTF-8
         * @return this
         */
        public Builder stdin(String text) {
            return stdin(text.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * @param name  variable name
         * @param value value
         * @return this
         */
        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        /**
         * @param user OS user to run as
         * @return this
         */
        public Builder user(String user) {
            this.user = Objects.requireNonNull(user, "user");
            return this;
        }

        /**
         * @param timeout how long the command may run
         * @return this
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param secret a substring to mask wherever the command is shown
         * @return this
         */
        public Builder secret(String secret) {
            secrets.add(Objects.requireNonNull(secret, "secret"));
            return this;
        }

        /**
         * @param secret a credential to mask wherever the command is shown
         * @return this
         */
        public Builder secret(io.pigsty.model.Secret secret) {
            return secret(Objects.requireNonNull(secret, "secret").reveal());
        }

        /** @return the command */
        public Command build() {
            return new Command(this);
        }
    }
}
