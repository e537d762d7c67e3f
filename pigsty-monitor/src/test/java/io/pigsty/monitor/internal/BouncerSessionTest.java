package io.pigsty.monitor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The admin-console client against a scripted server speaking the v3 protocol (md5 and cleartext auth). */
class BouncerSessionTest {

    /** Runs one scripted connection; returns what the client sent as password. */
    static CompletableFuture<String> serve(ServerSocket ss, int authCode) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = ss.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                byte[] startup = new byte[in.readInt() - 4];
                in.readFully(startup);
                String params = new String(startup, 4, startup.length - 4, StandardCharsets.UTF_8);
                if (!params.contains("user\0monitor\0") || !params.contains("database\0pgbouncer\0")) {
                    throw new AssertionError("bad startup " + params);
                }
                ByteArrayOutputStream auth = new ByteArrayOutputStream();
                new DataOutputStream(auth).writeInt(authCode);
                if (authCode == 5) {
                    auth.write(new byte[] {1, 2, 3, 4});
                }
                msg(out, 'R', auth.toByteArray());
                if (in.readUnsignedByte() != 'p') {
                    throw new AssertionError("expected a password message");
                }
                byte[] pw = new byte[in.readInt() - 4];
                in.readFully(pw);
                msg(out, 'R', new byte[] {0, 0, 0, 0});
                msg(out, 'S', "server_version\u00001.18.0/bouncer\u0000".getBytes(StandardCharsets.UTF_8));
                msg(out, 'Z', new byte[] {'I'});
                // query 1: two columns, two rows, one NULL
                expectQuery(in, "SHOW LISTS;");
                ByteArrayOutputStream t = new ByteArrayOutputStream();
                DataOutputStream td = new DataOutputStream(t);
                td.writeShort(2);
                for (String c : List.of("list", "items")) {
                    td.write(c.getBytes(StandardCharsets.UTF_8));
                    td.writeByte(0);
                    td.write(new byte[18]);
                }
                msg(out, 'T', t.toByteArray());
                msg(out, 'D', row("databases", "3"));
                msg(out, 'D', row("users", null));
                msg(out, 'C', "SHOW\0".getBytes(StandardCharsets.UTF_8));
                msg(out, 'Z', new byte[] {'I'});
                // query 2: an error, then ready again
                expectQuery(in, "SHOW NONSENSE;");
                msg(out, 'E', "SERROR\0C08P01\0Munknown cmd: nonsense\0\0".getBytes(StandardCharsets.UTF_8));
                msg(out, 'Z', new byte[] {'I'});
                if (in.readUnsignedByte() != 'X') {
                    throw new AssertionError("expected Terminate");
                }
                return new String(pw, 0, pw.length - 1, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    static void expectQuery(DataInputStream in, String sql) throws IOException {
        if (in.readUnsignedByte() != 'Q') {
            throw new AssertionError("expected a query");
        }
        byte[] q = new byte[in.readInt() - 4];
        in.readFully(q);
        String got = new String(q, 0, q.length - 1, StandardCharsets.UTF_8);
        if (!got.equals(sql)) {
            throw new AssertionError("expected " + sql + ", got " + got);
        }
    }

    static byte[] row(String a, String b) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(bo);
        d.writeShort(2);
        for (String v : new String[] {a, b}) {
            if (v == null) {
                d.writeInt(-1);
            } else {
                byte[] x = v.getBytes(StandardCharsets.UTF_8);
                d.writeInt(x.length);
                d.write(x);
            }
        }
        return bo.toByteArray();
    }

    static void msg(DataOutputStream out, char type, byte[] body) throws IOException {
        out.writeByte(type);
        out.writeInt(body.length + 4);
        out.write(body);
        out.flush();
    }

    static List<String> exercise(int authCode) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> server = serve(ss, authCode);
            PgUrl url = PgUrl.parse("postgres://monitor:s3cret@127.0.0.1:" + ss.getLocalPort() + "/pgbouncer");
            List<String> seen = new ArrayList<>();
            try (BouncerSession s = new BouncerSession(url, 2)) {
                List<String> rows = s.query("SHOW LISTS;", 100, rs -> {
                    List<String> out = new ArrayList<>();
                    out.add(String.join(",", rs.columns()));
                    while (rs.next()) {
                        out.add(rs.get(0) + "=" + rs.get(1));
                    }
                    return out;
                });
                seen.addAll(rows);
                assertThatThrownBy(() -> s.query("SHOW NONSENSE;", -1, rs -> null))
                        .hasMessage("ERROR: unknown cmd: nonsense");
                assertThat(s.isValid()).as("an SQL error leaves the session usable").isTrue();
            }
            seen.add("password:" + server.get(5, TimeUnit.SECONDS));
            return seen;
        }
    }

    @Test
    void md5AuthAndTextResults() throws Exception {
        String inner = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest("s3cretmonitor".getBytes(StandardCharsets.UTF_8)));
        ByteArrayOutputStream salted = new ByteArrayOutputStream();
        salted.write(inner.getBytes(StandardCharsets.US_ASCII));
        salted.write(new byte[] {1, 2, 3, 4});
        String expected = "md5" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(salted.toByteArray()));
        assertThat(exercise(5)).containsExactly("list,items", "databases=3", "users=null", "password:" + expected);
    }

    @Test
    void cleartextAuth() throws Exception {
        assertThat(exercise(3)).last().isEqualTo("password:s3cret");
    }

    @Test
    void refusesTlsModesItCannotSpeak() {
        assertThatThrownBy(() -> new BouncerSession(PgUrl.parse("postgres://m:p@127.0.0.1:1/pgbouncer?sslmode=require"), 1))
                .hasMessageContaining("sslmode=require is not supported");
    }

    @Test
    void rejectedLoginIsAnSqlExceptionWithoutThePassword() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (Socket s = ss.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    in.readFully(new byte[in.readInt() - 4]);
                    msg(new DataOutputStream(s.getOutputStream()), 'E',
                            "SFATAL\0C28P01\0Mpassword authentication failed\0\0".getBytes(StandardCharsets.UTF_8));
                    in.read(); // wait for the client to hang up
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            PgUrl url = PgUrl.parse("postgres://monitor:s3cret@127.0.0.1:" + ss.getLocalPort() + "/pgbouncer");
            assertThatThrownBy(() -> new BouncerSession(url, 2)).isInstanceOf(java.sql.SQLException.class)
                    .hasMessage("FATAL: password authentication failed").hasMessageNotContaining("s3cret");
            server.get(5, TimeUnit.SECONDS);
        }
    }
}
