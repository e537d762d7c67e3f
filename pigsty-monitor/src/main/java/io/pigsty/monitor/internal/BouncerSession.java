package io.pigsty.monitor.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Just enough of the PostgreSQL v3 protocol for PgBouncer's admin console: startup, password
 * authentication (cleartext, md5, SCRAM-SHA-256) and simple queries whose results are text.
 * The console only answers SHOW commands, which is all the pgbouncer collectors send.
 */
final class BouncerSession implements Session {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private boolean broken;

    BouncerSession(PgUrl url, int connectTimeoutSeconds) throws SQLException {
        String sslmode = url.params().getOrDefault("sslmode", "disable");
        if (!List.of("disable", "allow", "prefer").contains(sslmode)) {
            throw new SQLException("sslmode=" + sslmode + " is not supported for PgBouncer targets (use disable)");
        }
        try {
            socket = new Socket();
            String host = url.host().startsWith("[") ? url.host().substring(1, url.host().length() - 1) : url.host();
            socket.connect(new InetSocketAddress(host, url.port()), connectTimeoutSeconds * 1000);
            socket.setSoTimeout(Math.max(5, connectTimeoutSeconds) * 1000);
            socket.setTcpNoDelay(true);
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            startup(url);
        } catch (IOException e) {
            close();
            throw new SQLException("cannot connect to " + url.masked() + ": " + e.getMessage(), "08001", e);
        } catch (SQLException e) {
            broken = true; // a rejected login: just drop the socket
            close();
            throw e;
        }
    }

    private void startup(PgUrl url) throws IOException, SQLException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream b = new DataOutputStream(body);
        b.writeInt(196608); // protocol 3.0
        cstring(b, "user");
        cstring(b, url.user());
        cstring(b, "database");
        cstring(b, url.database());
        cstring(b, "application_name");
        cstring(b, url.params().getOrDefault("application_name", "pg_exporter"));
        b.writeByte(0);
        out.writeInt(body.size() + 4);
        body.writeTo(out);
        out.flush();
        String clientFirstBare = null;
        String nonce = null;
        byte[] salted = null;
        String authMessage = null;
        while (true) {
            Message msg = readMessage();
            DataInputStream m = msg.body();
            switch (msg.type()) {
                case 'R' -> {
                    int code = m.readInt();
                    switch (code) {
                        case 0 -> { }
                        case 3 -> send('p', cbytes(url.password().reveal()));
                        case 5 -> {
                            byte[] salt = m.readNBytes(4);
                            String inner = md5Hex((url.password().reveal() + url.user()).getBytes(StandardCharsets.UTF_8));
                            ByteArrayOutputStream x = new ByteArrayOutputStream();
                            x.write(inner.getBytes(StandardCharsets.US_ASCII));
                            x.write(salt);
                            send('p', cbytes("md5" + md5Hex(x.toByteArray())));
                        }
                        case 10 -> {
                            String mechs = new String(msg.bytes(), 4, msg.bytes().length - 4, StandardCharsets.UTF_8);
                            if (!mechs.contains("SCRAM-SHA-256")) {
                                throw new SQLException("unsupported SASL mechanisms " + mechs);
                            }
                            byte[] rnd = new byte[18];
                            new SecureRandom().nextBytes(rnd);
                            nonce = Base64.getEncoder().encodeToString(rnd);
                            clientFirstBare = "n=,r=" + nonce;
                            byte[] first = ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
                            ByteArrayOutputStream x = new ByteArrayOutputStream();
                            DataOutputStream d = new DataOutputStream(x);
                            cstring(d, "SCRAM-SHA-256");
                            d.writeInt(first.length);
                            d.write(first);
                            send('p', x.toByteArray());
                        }
                        case 11 -> {
                            String serverFirst = new String(msg.bytes(), 4, msg.bytes().length - 4, StandardCharsets.UTF_8);
                            String r = attr(serverFirst, 'r');
                            if (nonce == null || !r.startsWith(nonce)) {
                                throw new SQLException("SCRAM: server nonce does not extend ours");
                            }
                            byte[] salt = Base64.getDecoder().decode(attr(serverFirst, 's'));
                            int iterations = Integer.parseInt(attr(serverFirst, 'i'));
                            salted = pbkdf2(url.password().reveal(), salt, iterations);
                            String clientFinalNoProof = "c=biws,r=" + r;
                            authMessage = clientFirstBare + "," + serverFirst + "," + clientFinalNoProof;
                            byte[] clientKey = hmac(salted, "Client Key");
                            byte[] storedKey = sha256(clientKey);
                            byte[] sig = hmac(storedKey, authMessage);
                            byte[] proof = new byte[clientKey.length];
                            for (int i = 0; i < proof.length; i++) {
                                proof[i] = (byte) (clientKey[i] ^ sig[i]);
                            }
                            send('p', (clientFinalNoProof + ",p=" + Base64.getEncoder().encodeToString(proof))
                                    .getBytes(StandardCharsets.UTF_8));
                        }
                        case 12 -> {
                            String serverFinal = new String(msg.bytes(), 4, msg.bytes().length - 4, StandardCharsets.UTF_8);
                            byte[] expected = hmac(hmac(salted, "Server Key"), authMessage);
                            if (!MessageDigest.isEqual(expected, Base64.getDecoder().decode(attr(serverFinal, 'v')))) {
                                throw new SQLException("SCRAM: server signature mismatch");
                            }
                        }
                        default -> throw new SQLException("unsupported authentication request " + code);
                    }
                }
                case 'E' -> throw error(msg.bytes());
                case 'Z' -> {
                    return;
                }
                default -> {
                    // ParameterStatus, BackendKeyData, NoticeResponse: nothing we need
                }
            }
        }
    }

    @Override
    public <T> T query(String sql, long timeoutMs, RowsHandler<T> handler) throws SQLException {
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        SQLException failure = null;
        try {
            send('Q', cbytes(sql));
            while (true) {
                Message msg = readMessage();
                DataInputStream m = msg.body();
                switch (msg.type()) {
                    case 'T' -> {
                        int n = m.readUnsignedShort();
                        for (int i = 0; i < n; i++) {
                            columns.add(readCString(m));
                            m.skipNBytes(6); // table oid, column number
                            int typeOid = m.readInt();
                            m.skipNBytes(8); // type size, modifier, format
                            types.add(typeOid == 16 ? "bool" : typeOid == 25 ? "text" : "oid" + typeOid);
                        }
                    }
                    case 'D' -> {
                        int n = m.readUnsignedShort();
                        String[] row = new String[n];
                        for (int i = 0; i < n; i++) {
                            int len = m.readInt();
                            row[i] = len < 0 ? null : new String(m.readNBytes(len), StandardCharsets.UTF_8);
                        }
                        rows.add(row);
                    }
                    case 'E' -> failure = error(msg.bytes());
                    case 'Z' -> {
                        if (failure != null) {
                            throw failure;
                        }
                        return handler.handle(new Rows() {
                            private int at = -1;

                            @Override
                            public List<String> columns() {
                                return List.copyOf(columns);
                            }

                            @Override
                            public List<String> types() {
                                return List.copyOf(types);
                            }

                            @Override
                            public boolean next() {
                                return ++at < rows.size();
                            }

                            @Override
                            public Object get(int index) {
                                return rows.get(at)[index];
                            }
                        });
                    }
                    default -> {
                        // CommandComplete, EmptyQueryResponse, NoticeResponse, ParameterStatus
                    }
                }
            }
        } catch (IOException e) {
            broken = true;
            throw new SQLException("PgBouncer connection failed: " + e.getMessage(), "08006", e);
        }
    }

    /** One backend message: its type byte and its body. */
    private record Message(int type, byte[] bytes, DataInputStream body) {
    }

    private Message readMessage() throws IOException {
        int type = in.readUnsignedByte();
        byte[] body = new byte[in.readInt() - 4];
        in.readFully(body);
        return new Message(type, body, new DataInputStream(new java.io.ByteArrayInputStream(body)));
    }

    private void send(char type, byte[] payload) throws IOException {
        out.writeByte(type);
        out.writeInt(payload.length + 4);
        out.write(payload);
        out.flush();
    }

    private static SQLException error(byte[] msg) {
        String severity = "";
        String text = "";
        String code = "";
        int i = 0;
        while (i < msg.length && msg[i] != 0) {
            char f = (char) msg[i++];
            int end = i;
            while (end < msg.length && msg[end] != 0) {
                end++;
            }
            String v = new String(msg, i, end - i, StandardCharsets.UTF_8);
            i = end + 1;
            switch (f) {
                case 'S' -> severity = v;
                case 'M' -> text = v;
                case 'C' -> code = v;
                default -> { }
            }
        }
        return new SQLException(severity + ": " + text, code);
    }

    private static String attr(String s, char key) throws SQLException {
        for (String part : s.split(",")) {
            if (part.length() > 1 && part.charAt(0) == key && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        throw new SQLException("SCRAM: missing attribute " + key);
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) throws SQLException {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new SQLException("SCRAM: " + e.getMessage(), e);
        }
    }

    private static byte[] hmac(byte[] key, String data) throws SQLException {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new SQLException("SCRAM: " + e.getMessage(), e);
        }
    }

    private static byte[] sha256(byte[] data) throws SQLException {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    private static String md5Hex(byte[] data) throws SQLException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (GeneralSecurityException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    private static void cstring(DataOutputStream d, String s) throws IOException {
        d.write(s.getBytes(StandardCharsets.UTF_8));
        d.writeByte(0);
    }

    private static byte[] cbytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    private static String readCString(DataInputStream m) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = m.read()) > 0) {
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public boolean isValid() {
        return !broken && socket != null && !socket.isClosed();
    }

    @Override
    public void close() {
        if (socket == null) {
            return;
        }
        try {
            if (!socket.isClosed() && !broken && out != null) { // out is null when the connect itself failed
                out.writeByte('X');
                out.writeInt(4);
                out.flush();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
