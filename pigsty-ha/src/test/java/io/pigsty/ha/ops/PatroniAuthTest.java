package io.pigsty.ha.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pigsty.model.Inventory;
import io.pigsty.model.Secret;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK's Patroni REST clients against a fake Patroni on loopback that, like Patroni with
 * {@code restapi.authentication}, answers GET and OPTIONS to anyone and everything else only with
 * the right basic-auth credentials (401 otherwise).
 */
class PatroniAuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "postgres";
    private static final String PASSWORD = "Api.Secret-7";

    /** One request as the fake saw it: method, path, Authorization header ("" when absent). */
    record Seen(String method, String path, String authorization) {
    }

    private HttpServer server;
    private String base;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile boolean paused;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getPath();
        byte[] in = x.getRequestBody().readAllBytes();
        seen.add(new Seen(method, path, auth == null ? "" : auth));
        boolean safe = method.equals("GET") || method.equals("OPTIONS");
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        if (!safe && !expected.equals(auth)) {
            reply(x, 401, "no auth header received");
            return;
        }
        switch (method + " " + path) {
            case "GET /cluster" -> reply(x, 200, "{\"members\": [{\"name\": \"pg-test-1\", \"role\": \"leader\", \"state\": \"running\","
                    + " \"host\": \"127.0.0.1\", \"port\": 5432, \"timeline\": 1, \"api_url\": \"" + base + "/patroni\"}],"
                    + " \"scope\": \"pg-test\"" + (paused ? ", \"pause\": true" : "") + "}");
            case "GET /patroni" -> reply(x, 200, "{\"state\": \"running\", \"role\": \"primary\", \"patroni\": {\"scope\": \"pg-test\"}}");
            case "GET /config" -> reply(x, 200, "{\"ttl\": 30, \"pause\": " + paused + "}");
            case "PATCH /config" -> {
                paused = JSON.readTree(in).path("pause").asBoolean(paused);
                reply(x, 200, "{\"pause\": " + paused + "}");
            }
            case "POST /reload" -> reply(x, 202, "reload scheduled");
            case "POST /restart" -> reply(x, 200, "restarted successfully");
            default -> reply(x, 404, "not here");
        }
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void unsafeMethodsCarryBasicAuth_readsDoNot() {
        PatroniClient client = PatroniClient.builder().credentials(USER, Secret.of(PASSWORD)).build();
        assertThat(client.config(base)).isNotNull();
        client.setPaused(base, true);
        client.reload(base);
        client.restart(base);
        assertThat(client.probe(base, "/primary")).isPresent();
        assertThat(paused).isTrue();
        for (Seen s : seen) {
            boolean safe = s.method().equals("GET") || s.method().equals("OPTIONS");
            // the password goes where Patroni asks for it, and nowhere else
            assertThat(s.authorization()).as("%s %s", s.method(), s.path()).isEqualTo(safe ? "" : basic(USER, PASSWORD));
        }
        assertThat(seen).extracting(Seen::method).contains("PATCH", "POST", "GET", "OPTIONS");
    }

    @Test
    void withoutOrWithWrongCredentials_writesAreRefused_andThePasswordIsNeverInTheError() {
        PatroniClient none = PatroniClient.builder().build();
        assertThatThrownBy(() -> none.setPaused(base, true)).isInstanceOfSatisfying(PatroniException.class, e -> {
            assertThat(e.status()).hasValue(401);
            assertThat(e.getMessage()).contains("PATCH", "/config", "401");
        });
        PatroniClient wrong = PatroniClient.builder().credentials(USER, Secret.of("Wrong.Secret-9")).build();
        assertThatThrownBy(() -> wrong.restart(base)).isInstanceOfSatisfying(PatroniException.class, e -> {
            assertThat(e.status()).hasValue(401);
            assertThat(e.getMessage()).doesNotContain("Wrong.Secret-9")
                    .doesNotContain(Base64.getEncoder().encodeToString((USER + ":Wrong.Secret-9").getBytes(StandardCharsets.UTF_8)));
        });
        assertThat(paused).isFalse();
        assertThat(String.valueOf(Secret.of(PASSWORD))).doesNotContain(PASSWORD);
    }

    @Test
    void clusterOperations_sendTheInventorysPatroniCredentials() {
        int port = server.getAddress().getPort();
        Inventory inv = Inventory.parseUnvalidated("""
                all:
                  children:
                    pg-test:
                      hosts:
                        127.0.0.1: { pg_seq: 1, pg_role: primary }
                      vars: { pg_cluster: pg-test, patroni_port: %d }
                  vars: { patroni_username: %s, patroni_password: %s }
                """.formatted(port, USER, PASSWORD), "ops-auth.yml");
        ClusterOperations ops = ClusterOperations.builder(inv, "pg-test").timeout(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50)).build();
        OperationResult r = ops.pause();
        assertThat(r.after().paused()).isTrue();
        ops.reload();
        ops.resume();
        assertThat(paused).isFalse();
        List<Seen> writes = seen.stream().filter(s -> !s.method().equals("GET")).toList();
        assertThat(writes).extracting(s -> s.method() + " " + s.path()).containsExactly("PATCH /config", "POST /reload", "PATCH /config");
        assertThat(writes).allSatisfy(s -> assertThat(s.authorization()).isEqualTo(basic(USER, PASSWORD)));
        assertThat(r.toString() + Map.of()).doesNotContain(PASSWORD);
    }
}
