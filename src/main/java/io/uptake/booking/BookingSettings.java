package io.uptake.booking;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/** {@code uptake.booking.*}: how long a tracked link works, and how many unknown tokens an address may try. */
@ConfigurationProperties("uptake.booking")
public class BookingSettings {
    /** A link works this long after its text was due: long enough to book after a reminder, not for ever. */
    private Duration linkLifetime = Duration.ofDays(90);
    /** Unknown or expired tokens an address may try within {@link #missWindow} before it gets 429s. */
    private int missesPerAddress = 10;
    private Duration missWindow = Duration.ofMinutes(10);

    public Duration getLinkLifetime() {
        return linkLifetime;
    }

    public void setLinkLifetime(Duration linkLifetime) {
        if (linkLifetime.isNegative() || linkLifetime.isZero()) {
            throw new IllegalArgumentException("uptake.booking.link-lifetime must be positive");
        }
        this.linkLifetime = linkLifetime;
    }

    public int getMissesPerAddress() {
        return missesPerAddress;
    }

    public void setMissesPerAddress(int missesPerAddress) {
        if (missesPerAddress < 1) {
            throw new IllegalArgumentException("uptake.booking.misses-per-address must be at least 1");
        }
        this.missesPerAddress = missesPerAddress;
    }

    public Duration getMissWindow() {
        return missWindow;
    }

    public void setMissWindow(Duration missWindow) {
        this.missWindow = missWindow;
    }
}
