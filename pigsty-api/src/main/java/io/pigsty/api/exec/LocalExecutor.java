package io.pigsty.api.exec;

import io.pigsty.api.quote.ShellQuote;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands on this machine, whatever host is named: for tests, and for applying to the
 * local host. Commands run in their own session ({@code setsid}) so a timeout kills the whole
 * process tree. Files are written atomically (temp file in the target directory, chown/chmod,
 * rename).
 */
public final class LocalExecutor implements Executor {

    @Override
    public ExecResult run(Host host, Command command) {
        List<String> argv = new ArrayList<>(List.of("setsid", "sh", "-c"));
        String line = command.commandLine();
        if (command.user().isPresent()) {
            line = "runuser -u " + ShellQuote.quote(command.user().get()) + " -- sh -c " + ShellQuote.quote(line);
        }
        argv.add(line);
        long t0 = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(argv).directory(new java.io.File("/")).start(); // readable by any user a command switches to
        } catch (IOException e) {
            throw new ExecException(host, command.display(), null, "", "cannot start: " + e.getMessage(), e);
        }
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            if (command.stdin().isPresent()) {
                in.write(command.stdin().get());
            }
        } catch (IOException e) {
            // the command may exit without reading stdin; its exit status tells
        }
        try {
            if (!p.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(p);
                throw new ExecTimeoutException(host, command.display(), command.timeout(), null);
            }
            return new ExecResult(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - t0));
        } catch (InterruptedException e) {
            killTree(p);
            Thread.currentThread().interrupt();
            throw new ExecException(host, command.display(), null, "", "interrupted", e);
        }
    }

    private static void killTree(Process p) {
        // setsid made the shell a session leader: its pid is the process group id
        try {
            new ProcessBuilder("kill", "-KILL", "--", "-" + p.pid()).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        p.destroyForcibly();
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                in.transferTo(b);
                return b.toByteArray();
            } catch (IOException e) {
                return new byte[0];
            }
        });
    }

    @Override
    public void putFile(Host host, FileSpec file) {
        Path target = Path.of(file.path());
        Path dir = target.getParent();
        try {
            Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try {
                Files.write(tmp, file.content());
                Command fix = Command.argv(List.of("sh", "-c", "chown \"$1:$2\" \"$4\" && chmod \"$3\" \"$4\"", "sh",
                        file.owner(), file.group(), file.mode(), tmp.toString())).build();
                run(host, fix).requireOk(host, fix);
                Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ExecException(host, "put " + file.path(), null, "", "cannot write file: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<byte[]> readFile(Host host, String path) {
        try {
            Path p = Path.of(path);
            return Files.isRegularFile(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
        } catch (IOException e) {
            throw new ExecException(host, "read " + path, null, "", e.getMessage(), e);
        }
    }

    @Override
    public FileFacts stat(Host host, String path) {
        Command c = Command.of("stat", "-c", "%F|%a|%U|%G|%s", path);
        ExecResult r = run(host, c);
        if (!r.ok()) {
            return FileFacts.absent(path);
        }
        String[] f = r.stdout().strip().split("\\|");
        return new FileFacts(path, true, f[0].equals("directory"), f[1], f[2], f[3], Long.parseLong(f[4]));
    }
}
