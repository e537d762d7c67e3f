package io.pigsty.ssh.internal;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import io.pigsty.ssh.HostKeyPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * known_hosts verification with our policy on top of JSch's parser (which understands hashed
 * entries): a changed key is always refused; an unknown key is refused, or with
 * {@link HostKeyPolicy#ACCEPT_NEW} appended to the file and accepted.
 */
public final class PolicyHostKeyRepository implements HostKeyRepository {
    private final Path file;
    private final HostKeyPolicy policy;
    private final JSch jsch;
    private HostKeyRepository delegate;

    /**
     * @param file   known_hosts file (created when missing)
     * @param policy what to do with unknown keys
     * @throws JSchException when the file cannot be read
     */
    public PolicyHostKeyRepository(Path file, HostKeyPolicy policy) throws JSchException {
        this.file = file;
        this.policy = policy;
        this.jsch = new JSch();
        reload();
    }

    private void reload() throws JSchException {
        try {
            if (!Files.exists(file)) {
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                Files.createFile(file);
            }
        } catch (IOException e) {
            throw new JSchException("cannot create known_hosts file " + file + ": " + e.getMessage(), e);
        }
        jsch.setKnownHosts(file.toString());
        delegate = jsch.getHostKeyRepository();
    }

    @Override
    public synchronized int check(String host, byte[] key) {
        int r = delegate.check(host, key);
        if (r == NOT_INCLUDED && policy == HostKeyPolicy.ACCEPT_NEW) {
            try {
                HostKey hk = new HostKey(host, HostKey.GUESS, key);
                Files.writeString(file, host + " " + hk.getType() + " " + hk.getKey() + "\n", StandardCharsets.US_ASCII,
                        StandardOpenOption.APPEND);
                reload();
                return delegate.check(host, key);
            } catch (JSchException | IOException e) {
                return NOT_INCLUDED;
            }
        }
        return r;
    }

    @Override
    public synchronized void add(HostKey hostkey, UserInfo ui) {
        // keys are only ever added by check() under the ACCEPT_NEW policy
    }

    @Override
    public synchronized void remove(String host, String type) {
        delegate.remove(host, type);
    }

    @Override
    public synchronized void remove(String host, String type, byte[] key) {
        delegate.remove(host, type, key);
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return file.toString();
    }

    @Override
    public synchronized HostKey[] getHostKey() {
        return delegate.getHostKey();
    }

    @Override
    public synchronized HostKey[] getHostKey(String host, String type) {
        return delegate.getHostKey(host, type);
    }
}
