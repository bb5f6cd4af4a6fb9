package io.uptake.security;

import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.context.ApplicationContextConfigurer;
import io.micronaut.context.annotation.ContextConfigurer;
import io.micronaut.core.annotation.Nullable;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * The JWT signing secret comes from {@code UPTAKE_JWT_SECRET}; without it a random one is made for
 * this JVM, so tokens simply stop working after a restart instead of a secret living in the repo.
 * A secret that is set but too short stops the service: quietly using a random one instead (as before)
 * made every instance sign with its own key, so a login on one was refused by the others.
 */
@ContextConfigurer
public class SecretConfigurer implements ApplicationContextConfigurer {
    static final String VARIABLE = "UPTAKE_JWT_SECRET";
    static final int MIN_LENGTH = 32;
    private static final String GENERATED = newSecret();

    @Override
    public void configure(ApplicationContextBuilder builder) {
        builder.properties(Map.of("micronaut.security.token.jwt.signatures.secret.generator.secret",
                signingSecret(System.getenv(VARIABLE), GENERATED)));
    }

    /**
     * The secret to sign with: the configured one, or {@code generated} when none is configured (unset, or
     * empty as docker-compose passes an unset variable). Refuses one shorter than {@value #MIN_LENGTH}.
     */
    static String signingSecret(@Nullable String configured, String generated) {
        if (configured == null || configured.isEmpty()) {
            return generated;
        }
        if (configured.length() < MIN_LENGTH) {
            throw new IllegalStateException(VARIABLE + " is " + configured.length() + " characters long; it must be at least "
                    + MIN_LENGTH + " (e.g. from `openssl rand -hex 32`), or unset for a random key per process");
        }
        return configured;
    }

    private static String newSecret() {
        byte[] bytes = new byte[48];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
