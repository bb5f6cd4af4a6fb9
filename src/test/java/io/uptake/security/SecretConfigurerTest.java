package io.uptake.security;

import io.uptake.Application;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** UPTAKE_JWT_SECRET: unset means a random key per process; set but short stops the service, saying why. */
class SecretConfigurerTest {

    @ParameterizedTest
    @NullAndEmptySource
    void unsetUsesTheGeneratedKey(String configured) {
        assertThat(SecretConfigurer.signingSecret(configured, "generated")).isEqualTo("generated");
    }

    @Test
    void aLongEnoughSecretIsUsed() {
        String secret = "0123456789abcdef0123456789abcdef";
        assertThat(SecretConfigurer.signingSecret(secret, "generated")).isEqualTo(secret);
    }

    @Test
    void aShortSecretIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> SecretConfigurer.signingSecret("0123456789abcdef0123456789abcde", "generated"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("UPTAKE_JWT_SECRET").hasMessageContaining("at least 32");
    }

    /** The service itself, in its own JVM, with a short secret: it exits with the message instead of starting. */
    @Test
    void theServiceRefusesToStartWithAShortSecret() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Application.class.getName()).redirectErrorStream(true);
        var env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("UPTAKE_") || k.startsWith("DATASOURCES_") || k.startsWith("MICRONAUT_"));
        env.put("UPTAKE_JWT_SECRET", "too-short");
        // No database: the refusal must come before anything needs one.
        env.put("DATASOURCES_DEFAULT_URL", "jdbc:postgresql://127.0.0.1:1/none");
        env.put("UPTAKE_PORT", "0");
        Process child = pb.start();
        try {
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the service stopped by itself").isTrue();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.exitValue()).as(output).isNotZero();
            assertThat(output).contains("UPTAKE_JWT_SECRET is 9 characters long");
        } finally {
            child.destroyForcibly();
        }
    }
}
