package io.uptake.security;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/** Parameters of {@link LoginThrottle}: failures allowed before delays start, and how the delays grow. */
@ConfigurationProperties("uptake.login-throttle")
public class LoginThrottleSettings {
    private int freeFailuresPerUser = 5;
    private int freeFailuresPerAddress = 20;
    private Duration firstDelay = Duration.ofSeconds(1);
    private Duration maxDelay = Duration.ofMinutes(15);
    private Duration forgetAfter = Duration.ofHours(1);

    /** Failed logins for one username from one address before delays start. */
    public int getFreeFailuresPerUser() {
        return freeFailuresPerUser;
    }

    public void setFreeFailuresPerUser(int freeFailuresPerUser) {
        this.freeFailuresPerUser = freeFailuresPerUser;
    }

    /** Failed logins from one address, whatever the usernames, before delays start (a practice shares one NAT address). */
    public int getFreeFailuresPerAddress() {
        return freeFailuresPerAddress;
    }

    public void setFreeFailuresPerAddress(int freeFailuresPerAddress) {
        this.freeFailuresPerAddress = freeFailuresPerAddress;
    }

    public Duration getFirstDelay() {
        return firstDelay;
    }

    public void setFirstDelay(Duration firstDelay) {
        this.firstDelay = firstDelay;
    }

    public Duration getMaxDelay() {
        return maxDelay;
    }

    public void setMaxDelay(Duration maxDelay) {
        this.maxDelay = maxDelay;
    }

    /** A counter with no failure for this long starts again from zero (and its row is purged). */
    public Duration getForgetAfter() {
        return forgetAfter;
    }

    public void setForgetAfter(Duration forgetAfter) {
        this.forgetAfter = forgetAfter;
    }
}
