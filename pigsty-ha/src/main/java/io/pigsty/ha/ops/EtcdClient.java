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
 * {@code enable-grpc-gateway}): member list, health, and reading a key such as Patroni's leader key.
 * No framework: the JDK's HTTP client and Jackson. Every request has a timeout.
 */
public final class EtcdClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final List<String> endpoints;
    private final Duration timeout;

    /**
     * @param endpoints client URLs such as {@code http://10.213.0.10:2379}, tried in order
     * @param timeout   per request
     */
    public EtcdClient(List<String> endpoints, Duration timeout) {
        if (endpoints.isEmpty()) {
            throw new io.pigsty.model.InvalidValueException("endpoints", null, "no etcd endpoint given");
        }
        this.endpoints = List.copyOf(endpoints);
        this.timeout = Objects.requireNonNull(timeout);
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
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

    private JsonNode post(String path, String body) {
        PigstyException last = null;
        for (String ep : endpoints) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ep + path)).timeout(timeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return JSON.readTree(r.body());
                }
                last = new PigstyException("etcd " + ep + path + " answered HTTP " + r.statusCode() + ": " + r.body());
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
