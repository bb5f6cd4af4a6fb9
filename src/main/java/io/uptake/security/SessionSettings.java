package io.uptake.security;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * How long a login lasts without activity, when the page warns before that, and how often activity is written
 * down. The absolute lifetime is the token's own ({@code micronaut.security.token.generator.access-token.expiration}).
 */
@ConfigurationProperties("uptake.session")
public class SessionSettings {
    private Duration idleTimeout = Duration.ofMinutes(30);
    private Duration idleWarning = Duration.ofMinutes(2);
    private Duration touchEvery = Duration.ofMinutes(1);

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    /** How long before the idle timeout the page shows its warning with "Stay signed in". */
    public Duration getIdleWarning() {
        return idleWarning;
    }

    public void setIdleWarning(Duration idleWarning) {
        this.idleWarning = idleWarning;
    }

    /**
     * Activity is written at most this often per session (a write per request would be a write per page and per
     * htmx call); so a session may end up to this much earlier than the idle timeout after the last request.
     */
    public Duration getTouchEvery() {
        return touchEvery;
    }

    public void setTouchEvery(Duration touchEvery) {
        this.touchEvery = touchEvery;
    }
}
