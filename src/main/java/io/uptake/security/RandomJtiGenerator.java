package io.uptake.security;

import io.micronaut.security.token.claims.JtiGenerator;
import jakarta.inject.Singleton;

import java.util.UUID;

/** Gives every token an id (jti): sessions, logouts and the idle timeout are kept per token id. */
@Singleton
class RandomJtiGenerator implements JtiGenerator {
    @Override
    public String generateJtiClaim() {
        return UUID.randomUUID().toString();
    }
}
