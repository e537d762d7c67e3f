package io.pigsty.ha.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.model.PigstyException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the SDK needs of etcd v3, spoken through etcd's JSON gateway ({@code /v3/...}, enabled by
 * {@code enable-grpc-gateway}): member list, health, reading a key such as Patroni's leader key and
 * writing one; with a user, authenticated (etcd's RBAC). No framework: the JDK's HTTP client and
 * Jackson. Every request has a timeout.
 */
public final class EtcdClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final List<String> endpoints;
    private final Duration timeout;
    private final String user;
    private final io.pigsty.model.Secret password;
    /** Token per endpoint; "" for an etcd without auth. */
    private final java.util.Map<String, String> tokens = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param endpoints client URLs such as {@code http://10.213.0.10:2379}, tried in order
     * @param timeout   per request
     */
    public EtcdClient(List<String> endpoints, Duration timeout) {
        this(endpoints, timeout, null, null);
    }

    /**
     * A client that authenticates (etcd with RBAC, Pigsty's default): {@code /v3/auth/authenticate}
     * gives a token per member (etcd's simple tokens are known only to the member that issued
     * them), sent as the {@code Authorization} header; an expired token is replaced once and the
     * request repeated. An etcd without auth is spoken to without a token.
     *
     * @param endpoints client URLs, tried in order
     * @param timeout   per request
     * @param user      etcd user ({@code root}, or a cluster's user)
     * @param password  its password
     */
    public EtcdClient(List<String> endpoints, Duration timeout, String user, io.pigsty.model.Secret password) {
        this(endpoints, timeout, user, password, null);
    }

    private EtcdClient(List<String> endpoints, Duration timeout, String user, io.pigsty.model.Secret password,
            javax.net.ssl.SSLContext tls) {
        if (endpoints.isEmpty()) {
            throw new io.pigsty.model.InvalidValueException("endpoints", null, "no etcd endpoint given");
        }
        if ((user == null) != (password == null)) {
            throw new io.pigsty.model.InvalidValueException("user", user, "a user needs a password and a password a user");
        }
        this.endpoints = List.copyOf(endpoints);
        this.timeout = Objects.requireNonNull(timeout);
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(timeout);
        if (tls != null) {
            hb.sslContext(tls);
        }
        this.http = hb.build();
        this.user = user;
        this.password = password;
    }

    /**
     * The same client trusting only the deployment's CA for {@code https} endpoints (etcd with the
     * PKI module's certificates): the member's certificate and its name are verified.
     *
     * @param caPem the CA certificate(s), PEM ({@code Pki.caCertificatePem()})
     * @return a new client; this one is unchanged
     */
    public EtcdClient trusting(String caPem) {
        return new EtcdClient(endpoints, timeout, user, password, io.pigsty.ha.internal.TlsTrust.trusting(caPem));
    }

    /**
     * The same client trusting only the deployment's CA and presenting a client certificate of it:
     * etcd with the PKI module demands one ({@code client-cert-auth}) before any user logs in.
     *
     * @param caPem   the CA certificate(s), PEM ({@code Pki.caCertificatePem()})
     * @param certPem a client certificate of that CA, PEM ({@code IssuedCertificate.certificatePem()})
     * @param keyPem  its private key, PKCS#8 PEM ({@code IssuedCertificate.privateKeyPem()})
     * @return a new client; this one is unchanged
     */
    public EtcdClient trusting(String caPem, String certPem, io.pigsty.model.Secret keyPem) {
        return new EtcdClient(endpoints, timeout, user, password,
                io.pigsty.ha.internal.TlsTrust.withClientCertificate(caPem, certPem, keyPem));
    }

    /**
     * The root client of an inventory's etcd: its members' URLs and, when {@code etcd_auth_enabled},
     * root with {@code etcd_root_password}.
     *
     * @param inventory the inventory
     * @param tls       etcd serves TLS (the PKI module is registered; the JVM must trust the CA)
     * @param timeout   per request
     * @return the client
     */
    public static EtcdClient root(io.pigsty.model.Inventory inventory, boolean tls, Duration timeout) {
        List<String> eps = io.pigsty.ha.internal.HaSupport.etcdEndpoints(inventory, tls);
        return io.pigsty.ha.internal.EtcdAuth.enabled(inventory)
                ? new EtcdClient(eps, timeout, "root", inventory.resolveGlobal().get(io.pigsty.model.Params.ETCD_ROOT_PASSWORD))
                : new EtcdClient(eps, timeout);
    }

    /**
     * One etcd member.
     *
     * @param id         member id (hex)
     * @param name       member name ({@code etcd-1})
     * @param clientUrls its client URLs
     * @param peerUrls   its peer URLs
     * @param learner    true for a learner (non-voting) member
     */
    public record Member(String id, String name, List<String> clientUrls, List<String> peerUrls, boolean learner) {
        /** Canonical constructor: copies lists. */
        public Member {
            clientUrls = List.copyOf(clientUrls);
            peerUrls = List.copyOf(peerUrls);
        }
    }

    /** @return the members as the first answering endpoint reports them */
    public List<Member> members() {
        JsonNode r = post("/v3/cluster/member/list", "{}");
        List<Member> out = new ArrayList<>();
        for (JsonNode m : r.path("members")) {
            out.add(new Member(Long.toHexString(m.path("ID").asLong()), m.path("name").asText(""),
                    strings(m.path("clientURLs")), strings(m.path("peerURLs")), m.path("isLearner").asBoolean(false)));
        }
        return out;
    }

    /**
     * @param endpoint one client URL
     * @return true when that member answers {@code /health} with {@code "health":"true"}
     */
    public boolean healthy(String endpoint) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/health")).timeout(timeout)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && JSON.readTree(r.body()).path("health").asText().equals("true");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * @param key a key such as {@code /pg/pg-test/leader}
     * @return its value, empty when the key does not exist
     */
    public Optional<String> get(String key) {
        String body = "{\"key\":\"" + b64(key) + "\"}";
        JsonNode kvs = post("/v3/kv/range", body).path("kvs");
        if (!kvs.isArray() || kvs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new String(Base64.getDecoder().decode(kvs.get(0).path("value").asText("")),
                StandardCharsets.UTF_8));
    }

    /**
     * @param cluster   Patroni scope
     * @param namespace Patroni namespace ({@code /pg/} in Pigsty)
     * @return the name of the member holding the leader key, if any
     */
    public Optional<String> patroniLeader(String namespace, String cluster) {
        String ns = namespace.endsWith("/") ? namespace : namespace + "/";
        return get(ns + cluster + "/leader");
    }

    /**
     * @param key   a key
     * @param value its new value
     */
    public void put(String key, String value) {
        post("/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}");
    }

    /**
     * A cluster's client: the inventory's etcd members and, when {@code etcd_auth_enabled}, the
     * cluster's own user (Patroni's), which reads and writes only {@code <pg_namespace>/<cls>/}.
     *
     * @param inventory the inventory
     * @param cluster   a cluster of it
     * @param tls       etcd serves TLS
     * @param timeout   per request
     * @return the client
     */
    public static EtcdClient cluster(io.pigsty.model.Inventory inventory, String cluster, boolean tls, Duration timeout) {
        io.pigsty.model.PgCluster c = inventory.requireCluster(cluster);
        List<String> eps = io.pigsty.ha.internal.HaSupport.etcdEndpoints(inventory, tls);
        return io.pigsty.ha.internal.EtcdAuth.enabled(inventory)
                ? new EtcdClient(eps, timeout, io.pigsty.ha.internal.EtcdAuth.user(c), io.pigsty.ha.internal.EtcdAuth.password(inventory, c))
                : new EtcdClient(eps, timeout);
    }

    private HttpResponse<String> send(String ep, String path, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ep + path)).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (!token.isEmpty()) {
            b.header("Authorization", token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A token of this member, "" when no user is set or the member runs without auth. */
    private String token(String ep, boolean fresh) throws IOException, InterruptedException {
        if (user == null) {
            return "";
        }
        String t = fresh ? null : tokens.get(ep);
        if (t != null) {
            return t;
        }
        String body = JSON.createObjectNode().put("name", user).put("password", password.reveal()).toString();
        HttpResponse<String> r = send(ep, "/v3/auth/authenticate", body, "");
        if (r.statusCode() == 200) {
            t = JSON.readTree(r.body()).path("token").asText("");
        } else if (r.body().contains("authentication is not enabled")) {
            t = "";
        } else {
            // the answer names no password; ours is never put into the message
            throw new PigstyException("etcd " + ep + " refused user " + user + ": HTTP " + r.statusCode() + " "
                    + JSON.readTree(r.body()).path("message").asText(""));
        }
        tokens.put(ep, t);
        return t;
    }

    private JsonNode post(String path, String body) {
        PigstyException last = null;
        for (String ep : endpoints) {
            try {
                HttpResponse<String> r = send(ep, path, body, token(ep, false));
                if (r.statusCode() == 401 && user != null) {
                    // the member forgot the token (expired after --auth-token-ttl, or it restarted): once more
                    r = send(ep, path, body, token(ep, true));
                }
                if (r.statusCode() == 200) {
                    return JSON.readTree(r.body());
                }
                last = new PigstyException("etcd " + ep + path + " answered HTTP " + r.statusCode() + ": " + r.body());
                if (r.statusCode() == 403 || r.statusCode() == 400) {
                    throw last; // another member would refuse the same way
                }
            } catch (IOException e) {
                last = new PigstyException("etcd " + ep + path + ": no answer (" + e.getMessage() + ")", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PigstyException("etcd " + ep + path + ": interrupted", e);
            }
        }
        throw last;
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
