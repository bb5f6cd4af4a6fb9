package io.uptake.campaign;

import io.uptake.outbox.Leases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps alive the leases of the claims this instance has in hand, as db-scheduler's {@code updateHeartbeat} does:
 * every quarter lease it extends each claim's lease on the messages it still holds ({@link Leases#extendLease}),
 * so a batch may take as long as its provider calls take. What a beat learns stops hand-overs: a message the
 * claim no longer holds (taken over after an expiry) or whose campaign is no longer sending is not handed over;
 * and when beats fail (the database is out of reach), nothing is handed over once half the lease has passed
 * since the last good one, so no send starts under a claim that may have run out.
 */
final class LeaseHeartbeat {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseHeartbeat.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private final Leases leases;
    private final Clock clock;
    private final Duration lease;
    private final Set<Held> inHand = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    LeaseHeartbeat(Leases leases, Clock clock, Duration lease) {
        this.leases = leases;
        this.clock = clock;
        this.lease = lease;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-heartbeat-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(10, lease.toMillis() / 4);
        timer.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
    }

    /** A claim in hand, from its claim (at {@code claimedAtNanos}) until it is recorded and closed. */
    Held hold(String token, Collection<Long> ids, long claimedAtNanos) {
        Held h = new Held(token, Set.copyOf(ids), claimedAtNanos + lease.toNanos());
        inHand.add(h);
        return h;
    }

    /** One claim's messages, and what the beats have learnt about them. */
    final class Held implements AutoCloseable {
        private final String token;
        private final Set<Long> ids;
        private final Set<Long> stopped = ConcurrentHashMap.newKeySet();
        /** Until when (System.nanoTime) the lease is known to run, from the claim or the last good beat. */
        private volatile long leaseUntilNanos;

        private Held(String token, Set<Long> ids, long leaseUntilNanos) {
            this.token = token;
            this.ids = ids;
            this.leaseUntilNanos = leaseUntilNanos;
        }

        /** Whether message {@code id} may be handed over now: still ours, its campaign sending, the lease safe. */
        boolean mayHandOver(long id) {
            return !stopped.contains(id) && leaseUntilNanos - System.nanoTime() > lease.toNanos() / 2;
        }

        @Override
        public void close() {
            inHand.remove(this);
        }
    }

    private void beat() {
        for (Held h : inHand) {
            long started = System.nanoTime();
            try {
                Map<Long, String> held = leases.extendLease(h.token, h.ids, clock.instant().plus(lease));
                h.leaseUntilNanos = started + lease.toNanos();
                for (long id : h.ids) {
                    String campaignStatus = held.get(id);
                    if (campaignStatus == null || !"SENDING".equals(campaignStatus)) {
                        // Taken over, already reported on by the provider, or its campaign paused or cancelled.
                        h.stopped.add(id);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Could not extend the lease of a claim in hand; its texts stop being handed over once half"
                        + " the lease has passed", e);
            }
        }
    }

    /** Once the dispatcher has stopped. */
    void close() {
        timer.shutdownNow();
    }
}
