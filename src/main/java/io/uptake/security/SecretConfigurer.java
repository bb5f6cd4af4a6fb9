package io.uptake.security;

import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.context.ApplicationContextConfigurer;
import io.micronaut.context.annotation.ContextConfigurer;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * The JWT signing secret comes from {@code UPTAKE_JWT_SECRET}; without it a random one is made for
 * this JVM, so tokens simply stop working after a restart instead of a secret living in the repo.
 */
@ContextConfigurer
public class SecretConfigurer implements ApplicationContextConfigurer {
    private static final String GENERATED = newSecret();

    @Override
    public void configure(ApplicationContextBuilder builder) {
        String secret = System.getenv("UPTAKE_JWT_SECRET");
        builder.properties(Map.of("micronaut.security.token.jwt.signatures.secret.generator.secret",
                secret == null || secret.length() < 32 ? GENERATED : secret));
    }

    private static String newSecret() {
        byte[] bytes = new byte[48];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
