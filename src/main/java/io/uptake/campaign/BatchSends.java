package io.uptake.campaign;

import io.uptake.outbox.Claimed;
import io.uptake.outbox.Transition;
import io.uptake.sms.SmsSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends a batch, up to send-concurrency texts at a time (the provider call is a network round trip, and the
 * bookkeeping per batch is cheap only if batches are not bound by one call after another). One pool serves
 * the instance: while one worker claims or records, the others' texts use its threads, so database work and
 * provider calls overlap without more texts in flight than the pool allows. Every runner is awaited, so no
 * outcome is lost.
 */
final class BatchSends {
    private static final Logger LOG = LoggerFactory.getLogger(BatchSends.class);
    private static final AtomicInteger SEND_THREADS = new AtomicInteger();
    private final CampaignSettings settings;
    private final SendAttempt attempt;
    private final SendOutcomes outcomes;
    private final Clock clock;
    /** Null when sends are one at a time. */
    private final ExecutorService pool;
    private volatile boolean stopping;

    BatchSends(CampaignSettings settings, SendAttempt attempt, SendOutcomes outcomes, Clock clock) {
        this.settings = settings;
        this.attempt = attempt;
        this.outcomes = outcomes;
        this.clock = clock;
        this.pool = settings.sendConcurrency < 2 ? null : Executors.newFixedThreadPool(settings.sendsInFlight, r -> {
            Thread t = new Thread(r, "sms-send-" + SEND_THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * One transition per text, in order. A text the heartbeat says may not go (the claim lost it, its campaign
     * stopped sending, or the lease is no longer known to hold) is released, not sent.
     */
    List<Transition> sendAll(SmsSender sender, List<Claimed> toSend, LeaseHeartbeat.Held held) {
        List<Transition> out = new ArrayList<>(toSend.size());
        if (pool == null || toSend.size() < 2) {
            for (Claimed m : toSend) {
                out.add(attempt.run(sender, m, held, () -> stopping));
            }
            return out;
        }
        // send-concurrency runners per batch (the pool is shared by the workers) take the texts in order.
        Transition[] results = new Transition[toSend.size()];
        boolean[] taken = new boolean[toSend.size()];
        AtomicInteger next = new AtomicInteger();
        // Set when the worker is interrupted (stopping): texts not yet handed over are released, not sent.
        AtomicBoolean abort = new AtomicBoolean();
        List<Future<?>> runners = new ArrayList<>();
        try {
            for (int r = 0; r < Math.min(settings.sendConcurrency, toSend.size()); r++) {
                runners.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < results.length; i = next.getAndIncrement()) {
                        taken[i] = true;
                        Claimed m = toSend.get(i);
                        results[i] = abort.get() ? Transition.release(m.id())
                                : attempt.run(sender, m, held, () -> stopping);
                    }
                }));
            }
        } catch (RejectedExecutionException e) {
            abort.set(true); // shutting down: whatever no runner takes is released below
        }
        boolean interrupted = false;
        for (Future<?> runner : runners) {
            while (true) {
                try {
                    runner.get();
                    break;
                } catch (InterruptedException e) {
                    // Stopping: texts already being handed over still go out, and their outcomes must be recorded.
                    interrupted = true;
                    abort.set(true);
                } catch (ExecutionException e) {
                    LOG.error("A send runner failed; its texts are reconciled before any resend", e.getCause());
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        for (int i = 0; i < results.length; i++) {
            Claimed m = toSend.get(i);
            if (results[i] != null) {
                out.add(results[i]);
            } else if (taken[i]) {
                // A runner died with this text in hand: it may have gone, so it is reconciled first.
                out.add(outcomes.unanswered(m, "the send was interrupted", clock.instant()));
            } else {
                out.add(Transition.release(m.id()));
            }
        }
        return out;
    }

    /** Once the workers have stopped: texts not yet handed over are released by their batch. */
    void close() {
        stopping = true;
        if (pool != null) {
            pool.shutdown();
            try {
                if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("Sends still in flight at shutdown: their claims expire and are reconciled");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
