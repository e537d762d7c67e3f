package io.pigsty.api.spi;

import io.pigsty.api.exec.Command;
import io.pigsty.api.step.Step;
import io.pigsty.model.Resolved;
import java.util.List;
import java.util.Objects;

/**
 * The deployment's CA, as a module offers it to the others ({@link PigstyModule#certificateIssuer()}):
 * a module that needs a certificate for its own service (pgBackRest's TLS server, say) asks for a
 * step that keeps one on the host, so every certificate of a deployment comes from one CA, is
 * renewed by one rule and is never rendered.
 */
public interface CertificateIssuer {
    /**
     * A step that keeps {@code files} on its host: the CA certificate, and a certificate of that CA
     * for {@code subject} (for server and client use) with its key (0600). It issues a new one only
     * when the file is missing, from another CA, different from {@code subject}, or near its end.
     *
     * @param files    where the three files go and who owns them
     * @param subject  what the certificate says
     * @param vars     the host's resolved parameters (lifetime: {@code cert_validity}, renewal: {@code cert_renew_days})
     * @param onChange commands run after a file changed (a reload)
     * @return the step
     */
    Step certificate(TlsFiles files, Subject subject, Resolved vars, List<Command> onChange);

    /**
     * Where a certificate lives on a host.
     *
     * @param caFile   the CA certificate (0644)
     * @param certFile the certificate (0644)
     * @param keyFile  its private key (0600)
     * @param owner    owner of the three files (the service's user)
     * @param group    their group
     */
    record TlsFiles(String caFile, String certFile, String keyFile, String owner, String group) {
        /** Canonical constructor: every path absolute, owner and group named. */
        public TlsFiles {
            for (String p : List.of(Objects.requireNonNull(caFile, "caFile"), Objects.requireNonNull(certFile, "certFile"),
                    Objects.requireNonNull(keyFile, "keyFile"))) {
                if (!p.startsWith("/")) {
                    throw new io.pigsty.model.InvalidValueException("TlsFiles", p, "must be an absolute path");
                }
            }
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(group, "group");
        }
    }

    /**
     * What a certificate says.
     *
     * @param commonName its subject's CN (the name a peer such as pgBackRest's {@code tls-server-auth} checks)
     * @param ips        IP subject alternative names
     * @param dnsNames   DNS subject alternative names
     */
    record Subject(String commonName, List<String> ips, List<String> dnsNames) {
        /** Canonical constructor: copies the lists. */
        public Subject {
            Objects.requireNonNull(commonName, "commonName");
            ips = List.copyOf(ips);
            dnsNames = List.copyOf(dnsNames);
        }
    }
}
