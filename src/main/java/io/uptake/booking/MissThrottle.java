package io.uptake.booking;

import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Unknown or expired tokens per client address, in fixed windows: an address that keeps guessing gets 429s for
 * the rest of its window. Per instance (a guess costs the guesser a request per instance; 96-bit tokens do the
 * rest); live links are never counted, so a patient opening theirs again is never refused.
 */
@Singleton
class MissThrottle {
    /** An address's misses in its current window. */
    record Window(Instant start, int misses) {
    }

    private static final int MAX_ADDRESSES = 10_000;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final BookingSettings settings;
    private final Clock clock;

    MissThrottle(BookingSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    boolean refused(String address) {
        Window w = windows.get(address);
        return w != null && current(w, clock.instant()) && w.misses() >= settings.getMissesPerAddress();
    }

    void miss(String address) {
        Instant now = clock.instant();
        if (windows.size() > MAX_ADDRESSES) {
            windows.values().removeIf(w -> !current(w, now));
        }
        windows.merge(address, new Window(now, 1),
                (old, one) -> current(old, now) ? new Window(old.start(), old.misses() + 1) : one);
    }

    private boolean current(Window w, Instant now) {
        return w.start().plus(settings.getMissWindow()).isAfter(now);
    }
}
