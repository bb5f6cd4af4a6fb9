package io.uptake.security;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Stateless CSRF tokens for the web UI: the token is an HMAC of the session cookie, so a page can
 * only be posted by someone who could read it. Hand-written because micronaut-security-csrf is not
 * served here; the session cookie is also SameSite=Strict.
 */
@Singleton
public class Csrf {
    public static final String HEADER = "X-CSRF-Token";
    private final SecretKeySpec key;

    public Csrf(@Value("${micronaut.security.token.jwt.signatures.secret.generator.secret}") String secret) {
        this.key = new SecretKeySpec(("csrf:" + secret).getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String tokenFor(String sessionCookie) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(sessionCookie.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean isValid(String sessionCookie, String token) {
        return sessionCookie != null && token != null && MessageDigest.isEqual(
                tokenFor(sessionCookie).getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.US_ASCII));
    }
}
