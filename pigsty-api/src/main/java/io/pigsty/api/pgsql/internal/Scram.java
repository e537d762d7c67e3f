package io.pigsty.api.pgsql.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tells whether a password matches what PostgreSQL stores in {@code pg_authid.rolpassword},
 * so that a read-only check can say "password already set" without logging in and without
 * re-setting it (which would re-salt and look like a change every time).
 */
public final class Scram {
    private Scram() {
    }

    /**
     * @param user     role name
     * @param password plain text, or a verifier (returned as is)
     * @return what PostgreSQL stores for it with {@code password_encryption = md5}
     */
    public static String md5(String user, String password) {
        if (password.startsWith("SCRAM-SHA-256$") || (password.startsWith("md5") && password.length() == 35)) {
            return password;
        }
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest((password + user).getBytes(StandardCharsets.UTF_8));
            return "md5" + java.util.HexFormat.of().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is a required JDK algorithm", e);
        }
    }

    /**
     * @param stored   {@code rolpassword}: {@code SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>},
     *                 {@code md5<hex>} or empty
     * @param user     role name (md5 salts with it)
     * @param password the inventory's value: plain text, or a verifier that must equal the stored one
     * @return true when the stored verifier accepts the password
     */
    public static boolean matches(String stored, String user, String password) {
        if (stored == null || stored.isEmpty()) {
            return false;
        }
        if (password.startsWith("SCRAM-SHA-256$") || (password.startsWith("md5") && password.length() == 35)) {
            return MessageDigest.isEqual(stored.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
        }
        try {
            if (stored.startsWith("md5")) {
                return MessageDigest.isEqual(stored.getBytes(StandardCharsets.UTF_8),
                        md5(user, password).getBytes(StandardCharsets.UTF_8));
            }
            if (!stored.startsWith("SCRAM-SHA-256$")) {
                return false;
            }
            String[] parts = stored.substring("SCRAM-SHA-256$".length()).split("[$:]");
            if (parts.length != 4) {
                return false;
            }
            int iterations = Integer.parseInt(parts[0]);
            byte[] salt = Base64.getDecoder().decode(parts[1]);
            byte[] storedKey = Base64.getDecoder().decode(parts[2]);
            // PostgreSQL applies SASLprep; NFKC is its main effect and is a no-op for ASCII
            String prepared = Normalizer.normalize(password, Normalizer.Form.NFKC);
            char[] chars = prepared.toCharArray();
            // PBKDF2WithHmacSHA256 over the UTF-8 bytes: Java's PBEKeySpec encodes chars as UTF-8 for this algorithm
            byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(chars, salt, iterations, 256)).getEncoded();
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salted, "HmacSHA256"));
            byte[] clientKey = mac.doFinal("Client Key".getBytes(StandardCharsets.UTF_8));
            byte[] computed = MessageDigest.getInstance("SHA-256").digest(clientKey);
            return MessageDigest.isEqual(storedKey, computed);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
