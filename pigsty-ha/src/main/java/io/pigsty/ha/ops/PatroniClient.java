package io.pigsty.ha.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pigsty.model.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client of Patroni's REST API (port 8008) on the JDK's {@link HttpClient}: status,
 * health probes and the operations patronictl offers. Read endpoints need no credentials;
 * unsafe ones (switchover, restart, config) use basic auth with Patroni's REST user.
 *
 * <p>Every request has a timeout. The client is thread-safe and cheap; one per cluster is usual.
 */
public final class PatroniClient {
    private static final Logger LOG = LoggerFactory.getLogger(PatroniClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String username;
    private final Secret password;
    private final Duration timeout;
    private final Duration operationTimeout;

    private PatroniClient(Builder b) {
        this.timeout = b.timeout;
        this.operationTimeout = b.operationTimeout;
        this.username = b.username;
        this.password = b.password;
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(b.connectTimeout);
        if (b.caPem != null) {
            hb.sslContext(io.pigsty.ha.internal.TlsTrust.trusting(b.caPem));
        }
        this.http = hb.build();
    }

    /** @return a builder with Pigsty's defaults (user {@code postgres}, 5 s timeouts) */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the cluster topology from any reachable member.
     *
     * @param memberBaseUrls REST base URLs of members ({@code http://10.213.0.11:8008}); tried in order
     * @return the cluster status as the first answering member sees it
     * @throws PatroniException when no member answers
     */
    public ClusterStatus cluster(List<String> memberBaseUrls) {
        PatroniException last = null;
        for (String base : memberBaseUrls) {
            try {
                JsonNode body = getJson(base + "/cluster");
                JsonNode patroni = getJson(base + "/patroni");
                return parseCluster(patroni.path("patroni").path("scope").asText(""), body);
            } catch (PatroniException e) {
                last = e;
            }
        }
        throw new PatroniException("no Patroni member answered GET /cluster at " + memberBaseUrls,
                last == null ? -1 : last.status().orElse(-1), last);
    }

    static ClusterStatus parseCluster(String scope, JsonNode body) {
        List<MemberStatus> members = new ArrayList<>();
        for (JsonNode m : body.path("members")) {
            JsonNode lag = m.path("lag");
            OptionalLong lagBytes = lag.canConvertToLong() && !lag.isTextual() ? OptionalLong.of(lag.asLong())
                    : OptionalLong.empty();
            Map<String, Object> tags = new LinkedHashMap<>();
            m.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), JSON.convertValue(e.getValue(),
                    Object.class)));
            members.add(new MemberStatus(m.path("name").asText(), m.path("host").asText(""), m.path("port").asInt(0),
                    m.path("role").asText(""), m.path("state").asText(""), m.path("timeline").asLong(0), lagBytes,
                    m.path("pending_restart").asBoolean(false), m.path("api_url").asText(""), tags));
        }
        return new ClusterStatus(scope, members, body.path("pause").asBoolean(false));
    }

    /**
     * @param memberBaseUrl {@code http://ip:8008}
     * @return that member's own view ({@code GET /patroni}): role, state, timeline,
     *         {@code postmaster_start_time}, {@code pending_restart}, xlog positions
     * @throws PatroniException when it does not answer
     */
    public Map<String, Object> member(String memberBaseUrl) {
        return JsonViews.map(memberJson(memberBaseUrl));
    }

    JsonNode memberJson(String memberBaseUrl) {
        return getJson(memberBaseUrl + "/patroni");
    }

    /**
     * Asks a member a health question the way HAProxy does ({@code OPTIONS /primary}).
     *
     * @param memberBaseUrl {@code http://ip:8008}
     * @param path          {@code /primary}, {@code /replica}, {@code /read-only}, {@code /health}, ...
     * @return the HTTP status, or empty when the member did not answer
     */
    public Optional<Integer> probe(String memberBaseUrl, String path) {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(memberBaseUrl + path)).timeout(timeout)
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            return Optional.of(r.statusCode());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Planned switchover (Patroni waits for it to complete before answering 200).
     *
     * @param memberBaseUrl any member
     * @param leader        current leader name
     * @param candidate     new leader name, empty to let Patroni choose
     * @param scheduledAt   ISO-8601 time for a scheduled switchover, empty for now
     * @return Patroni's answer text
     * @throws PatroniException when Patroni refuses (with its reason)
     */
    public String switchover(String memberBaseUrl, String leader, Optional<String> candidate, Optional<String> scheduledAt) {
        ObjectNode body = JSON.createObjectNode().put("leader", leader);
        candidate.ifPresent(c -> body.put("candidate", c));
        scheduledAt.ifPresent(t -> body.put("scheduled_at", t));
        return send("POST", memberBaseUrl + "/switchover", body, true, operationTimeout);
    }

    /**
     * Manual failover to a named candidate; works without a healthy leader and may lose data.
     *
     * @param memberBaseUrl any member
     * @param candidate     new leader
     * @return Patroni's answer
     */
    public String failover(String memberBaseUrl, String candidate) {
        return send("POST", memberBaseUrl + "/failover", JSON.createObjectNode().put("candidate", candidate), true, operationTimeout);
    }

    /**
     * Restarts PostgreSQL on one member.
     *
     * @param memberBaseUrl that member
     * @return Patroni's answer
     */
    public String restart(String memberBaseUrl) {
        return send("POST", memberBaseUrl + "/restart", JSON.createObjectNode(), true, operationTimeout);
    }

    /**
     * Makes one member re-read its configuration file.
     *
     * @param memberBaseUrl that member
     * @return Patroni's answer
     */
    public String reload(String memberBaseUrl) {
        return send("POST", memberBaseUrl + "/reload", null, true);
    }

    /**
     * Rebuilds a replica from the leader.
     *
     * @param replicaBaseUrl the replica
     * @return Patroni's answer
     */
    public String reinitialize(String replicaBaseUrl) {
        return send("POST", replicaBaseUrl + "/reinitialize", JSON.createObjectNode().put("force", true), true, operationTimeout);
    }

    /**
     * @param memberBaseUrl any member
     * @return the dynamic (DCS) configuration, as an unmodifiable map
     */
    public Map<String, Object> config(String memberBaseUrl) {
        return JsonViews.map(configJson(memberBaseUrl));
    }

    JsonNode configJson(String memberBaseUrl) {
        return getJson(memberBaseUrl + "/config");
    }

    /**
     * Merges a patch into the dynamic configuration ({@code null} values delete keys).
     *
     * @param memberBaseUrl any member
     * @param patch         the change, e.g. {@code DcsChange.rto(RtoMode.FAST)}
     * @return the configuration after the patch, as an unmodifiable map
     */
    public Map<String, Object> patchConfig(String memberBaseUrl, DcsChange patch) {
        return JsonViews.map(patchConfigJson(memberBaseUrl, patch.json()));
    }

    JsonNode patchConfigJson(String memberBaseUrl, JsonNode patch) {
        String text = send("PATCH", memberBaseUrl + "/config", patch, true);
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new PatroniException("PATCH /config answered non-JSON: " + text, 200, e);
        }
    }

    /**
     * Pauses or resumes automatic failover for the whole cluster.
     *
     * @param memberBaseUrl any member
     * @param paused        true to pause
     */
    public void setPaused(String memberBaseUrl, boolean paused) {
        patchConfigJson(memberBaseUrl, JSON.createObjectNode().put("pause", paused));
    }

    private JsonNode getJson(String url) {
        String text = send("GET", url, null, false);
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new PatroniException("GET " + url + " answered non-JSON", 200, e);
        }
    }

    private String send(String method, String url, JsonNode body, boolean auth) {
        return send(method, url, body, auth, timeout);
    }

    private String send(String method, String url, JsonNode body, boolean auth, Duration limit) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url)).timeout(limit);
        HttpRequest.BodyPublisher pub = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString());
        rb.method(method, pub);
        if (body != null) {
            rb.header("Content-Type", "application/json");
        }
        if (auth && password != null) {
            String token = Base64.getEncoder().encodeToString((username + ":" + password.reveal())
                    .getBytes(StandardCharsets.UTF_8));
            rb.header("Authorization", "Basic " + token);
        }
        LOG.debug("patroni {} {}", method, url);
        HttpResponse<String> r;
        try {
            r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new PatroniException(method + " " + url + ": no answer (" + e.getMessage() + ")", -1, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PatroniException(method + " " + url + ": interrupted", -1, e);
        }
        if (r.statusCode() >= 300) {
            throw new PatroniException(method + " " + url + " refused with HTTP " + r.statusCode() + ": "
                    + r.body().strip(), r.statusCode(), null);
        }
        return r.body();
    }

    /** Builder of {@link PatroniClient}. */
    public static final class Builder {
        private String username = "postgres";
        private Secret password;
        private Duration timeout = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofSeconds(3);
        private Duration operationTimeout = Duration.ofSeconds(90);
        private String caPem;

        private Builder() {
        }

        /**
         * Trust only the deployment's CA for {@code https} members ({@code patroni_ssl_enabled}):
         * each member's certificate and name are verified.
         *
         * @param caPem the CA certificate(s), PEM
         * @return this
         */
        public Builder caCertificates(String caPem) {
            this.caPem = Objects.requireNonNull(caPem, "caPem");
            return this;
        }

        /**
         * @param username REST user ({@code patroni_username})
         * @param password REST password ({@code patroni_password})
         * @return this
         */
        public Builder credentials(String username, Secret password) {
            this.username = Objects.requireNonNull(username);
            this.password = Objects.requireNonNull(password);
            return this;
        }

        /**
         * @param timeout per request (a switchover answer may take longer: Patroni waits for it)
         * @return this
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * @param operationTimeout limit of requests Patroni answers only when done (switchover,
         *                         failover, restart, reinitialize); default 90 s
         * @return this
         */
        public Builder operationTimeout(Duration operationTimeout) {
            this.operationTimeout = Objects.requireNonNull(operationTimeout);
            return this;
        }

        /**
         * @param connectTimeout TCP connect limit
         * @return this
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout);
            return this;
        }

        /** @return the client */
        public PatroniClient build() {
            return new PatroniClient(this);
        }
    }
}
