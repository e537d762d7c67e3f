package io.pigsty.pki.internal;

import io.pigsty.api.exec.Command;
import io.pigsty.api.exec.FileFacts;
import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.step.Check;
import io.pigsty.api.step.Outcome;
import io.pigsty.api.step.Rendered;
import io.pigsty.api.step.Step;
import io.pigsty.api.step.StepContext;
import io.pigsty.model.Secret;
import io.pigsty.pki.CertAssessment;
import io.pigsty.pki.CertRequest;
import io.pigsty.pki.IssuedCertificate;
import io.pigsty.pki.Pki;
import io.pigsty.pki.PkiException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Keeps one certificate, its key and the CA certificate in a directory on a host. The key is made
 * in the JVM at apply time and only when the certificate must be (re)issued: missing, issued by
 * another CA, not matching the request, not matching its key, or within the renew window. A
 * converged host is left alone, so a re-apply changes nothing.
 */
public final class CertificateStep implements Step {
    private final Pki pki;
    private final CertRequest request;
    private final Duration renewBefore;
    private final String crt;
    private final String key;
    private final String ca;
    private final String owner;
    private final String group;
    private final List<Command> onChange;

    /**
     * @param pki         the CA
     * @param request     what the certificate must say
     * @param renewBefore reissue when less than this remains
     * @param dir         directory on the host, such as {@code /pg/cert}
     * @param name        file stem: {@code server} gives server.crt and server.key (the CA goes to ca.crt)
     * @param owner       owner of the files (the service's user)
     * @param group       their group
     * @param onChange    commands run after any file changed (a reload)
     */
    public CertificateStep(Pki pki, CertRequest request, Duration renewBefore, String dir, String name, String owner,
                           String group, List<Command> onChange) {
        this(pki, request, renewBefore, dir + "/ca.crt", dir + "/" + name + ".crt", dir + "/" + name + ".key", owner, group,
                onChange);
    }

    /**
     * @param pki         the CA
     * @param request     what the certificate must say
     * @param renewBefore reissue when less than this remains
     * @param ca          where the CA certificate goes
     * @param crt         where the certificate goes
     * @param key         where its key goes
     * @param owner       owner of the files (the service's user)
     * @param group       their group
     * @param onChange    commands run after any file changed (a reload)
     */
    public CertificateStep(Pki pki, CertRequest request, Duration renewBefore, String ca, String crt, String key, String owner,
                           String group, List<Command> onChange) {
        this.pki = pki;
        this.request = request;
        this.renewBefore = renewBefore;
        this.ca = ca;
        this.crt = crt;
        this.key = key;
        this.owner = owner;
        this.group = group;
        this.onChange = List.copyOf(onChange);
    }

    private String crt() {
        return crt;
    }

    private String key() {
        return key;
    }

    private String ca() {
        return ca;
    }

    private FileSpec caFile() {
        return new FileSpec(ca(), pki.caCertificatePem().getBytes(StandardCharsets.US_ASCII), "0644", owner, group, false);
    }

    @Override
    public String id() {
        return "pki:" + crt();
    }

    @Override
    public String description() {
        return "certificate " + crt() + " for " + request.commonName();
    }

    @Override
    public Rendered render() {
        List<String> notes = new ArrayList<>();
        notes.add("issues " + crt() + " (0644) and " + key() + " (0600), owner " + owner + ", for CN=" + request.commonName()
                + " IP=" + request.ipAddresses() + " DNS=" + request.dnsNames() + ", " + request.keyType() + ", "
                + request.validity().toDays() + " days, usages " + request.usages() + ", from CA sha256:"
                + pki.caFingerprint().substring(0, 16));
        notes.add("only when missing, issued by another CA, different from this request, not matching its key,"
                + " or fewer than " + renewBefore.toDays() + " days remain");
        if (!onChange.isEmpty()) {
            notes.add("then, if anything changed: " + onChange.stream().map(Command::display).toList());
        }
        return new Rendered(List.of(caFile()), onChange, notes);
    }

    @Override
    public Check check(StepContext ctx) {
        List<String> why = reasons(ctx);
        return why.isEmpty() ? Check.ok() : Check.change(String.join("\n", why));
    }

    private boolean caDiffers(StepContext ctx) {
        Optional<byte[]> have = ctx.executor().readFile(ctx.host(), ca());
        return have.isEmpty() || !Arrays.equals(have.get(), caFile().content());
    }

    private List<String> certReasons(StepContext ctx) {
        Optional<byte[]> crt = ctx.executor().readFile(ctx.host(), crt());
        if (crt.isEmpty()) {
            return List.of(crt() + ": missing");
        }
        String pem = new String(crt.get(), StandardCharsets.US_ASCII);
        CertAssessment a = pki.assess(pem, request, renewBefore);
        List<String> why = new ArrayList<>();
        a.reasons().forEach(r -> why.add(crt() + ": " + r));
        FileFacts kf = ctx.executor().stat(ctx.host(), key());
        if (!kf.exists()) {
            why.add(key() + ": missing");
        } else if (!a.reissue()) {
            Optional<byte[]> key = ctx.executor().readFile(ctx.host(), key());
            if (key.isEmpty() || !keyMatches(pem, key.get())) {
                why.add(key() + ": does not belong to " + crt());
            }
        }
        return why;
    }

    private static boolean keyMatches(String certPem, byte[] keyPem) {
        try {
            X509Certificate c = Pem.certificates(certPem, "certificate").get(0);
            PrivateKey k = Pem.privateKey(Secret.of(new String(keyPem, StandardCharsets.US_ASCII)), "key");
            return Pem.matches(c.getPublicKey(), k);
        } catch (PkiException e) {
            return false;
        }
    }

    private List<String> reasons(StepContext ctx) {
        List<String> why = new ArrayList<>();
        if (caDiffers(ctx)) {
            why.add(ca() + ": differs from the deployment's CA");
        }
        why.addAll(certReasons(ctx));
        return why;
    }

    @Override
    public Outcome apply(StepContext ctx) {
        boolean changed = false;
        if (caDiffers(ctx)) {
            ctx.executor().putFile(ctx.host(), caFile());
            changed = true;
        }
        if (!certReasons(ctx).isEmpty()) {
            IssuedCertificate c = pki.issue(request);
            // the key first: a certificate must never be found without its key
            ctx.executor().putFile(ctx.host(), new FileSpec(key(), c.privateKeyPem().reveal().getBytes(StandardCharsets.US_ASCII),
                    "0600", owner, group, true));
            ctx.executor().putFile(ctx.host(), new FileSpec(crt(), c.certificatePem().getBytes(StandardCharsets.US_ASCII),
                    "0644", owner, group, false));
            changed = true;
        }
        if (changed) {
            onChange.forEach(ctx::runOk);
        }
        return changed ? Outcome.CHANGED : Outcome.OK;
    }
}
