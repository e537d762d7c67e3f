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

    /**
     * What this SDK stores for a password, both in PostgreSQL and in PgBouncer's
     * {@code userlist.txt}: PgBouncer can log in to the server with a SCRAM verifier only when the
     * server holds the identical one (same salt and iterations), so both get this one value.
     *
     * @param user       role name
     * @param password   plain text, or a verifier (returned as is)
     * @param encryption {@code pg_pwd_enc}: {@code md5} gives the md5 hash, anything else SCRAM-SHA-256
     * @return {@code SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>} or {@code md5<hex>}
     */
    public static String stored(String user, String password, String encryption) {
        if (isVerifier(password)) {
            return password;
        }
        return "md5".equalsIgnoreCase(encryption) ? md5(user, password) : scram(user, password);
    }

    private static boolean isVerifier(String password) {
        return password.startsWith("SCRAM-SHA-256$") || (password.startsWith("md5") && password.length() == 35);
    }

    /**
     * A SCRAM-SHA-256 verifier (RFC 5802/7677, PostgreSQL's format) with a salt derived from the
     * user and the password, so that every plan of the same inventory renders the same verifier
     * and a re-apply changes nothing. Why derived this way: the salt is itself a 4096-iteration
     * PBKDF2 of the password (under a user-specific label), so testing a guess against the salt
     * costs exactly what testing it against the StoredKey costs; nothing cheaper leaks. What is
     * lost against a random salt: two deployments with the same user and password share a
     * verifier. Give a verifier in the inventory to choose your own salt.
     *
     * @param user     role name
     * @param password plain text
     * @return the verifier
     */
    static String scram(String user, String password) {
        try {
            char[] chars = Normalizer.normalize(password, Normalizer.Form.NFKC).toCharArray();
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] label = ("pigsty-java scram salt\0" + user).getBytes(StandardCharsets.UTF_8);
            byte[] seed = f.generateSecret(new PBEKeySpec(chars, label, 4096, 256)).getEncoded();
            byte[] salt = java.util.Arrays.copyOf(hmac(seed, "salt"), 16);
            byte[] salted = f.generateSecret(new PBEKeySpec(chars, salt, 4096, 256)).getEncoded();
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(hmac(salted, "Client Key"));
            byte[] serverKey = hmac(salted, "Server Key");
            Base64.Encoder b = Base64.getEncoder();
            return "SCRAM-SHA-256$4096:" + b.encodeToString(salt) + "$" + b.encodeToString(storedKey) + ":"
                    + b.encodeToString(serverKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is a required JDK algorithm", e);
        }
    }

    private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }
}
