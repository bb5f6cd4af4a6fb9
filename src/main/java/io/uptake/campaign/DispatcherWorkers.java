package io.uptake.campaign;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The dispatcher loops of this instance, and its reconcile loop. Not Quartz jobs: a clustered trigger fires on one
 * instance only, whereas every instance should pull from the shared queue (SKIP LOCKED keeps them apart). Each
 * loop claims and sends (or reconciles) batches while there is due work and sleeps briefly when there is none.
 */
@Context
@Requires(property = "uptake.campaign.dispatcher.enabled", notEquals = "false")
public class DispatcherWorkers {
    private static final Logger LOG = LoggerFactory.getLogger(DispatcherWorkers.class);
    private final Dispatcher dispatcher;
    private final Reconciler reconciler;
    private final CampaignSettings settings;
    private final String instanceId;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private final java.time.Duration stopGrace;

    DispatcherWorkers(Dispatcher dispatcher, Reconciler reconciler, CampaignSettings settings, CampaignScheduler scheduler,
                      DataSource dataSource, Clock clock, MeterRegistry meters,
                      @io.micronaut.context.annotation.Value("${uptake.campaign.dispatcher.stop-grace:20s}")
                      java.time.Duration stopGrace) {
        this.dispatcher = dispatcher;
        this.reconciler = reconciler;
        this.stopGrace = stopGrace;
        this.settings = settings;
        this.instanceId = scheduler.instanceId();
        DataSource raw = RawDataSource.of(dataSource);
        Gauge.builder("uptake.dispatcher.backlog", () -> backlog(raw, clock))
                .description("Messages due now and not yet sent, across all instances").register(meters);
        for (int i = 0; i < settings.workers; i++) {
            start(new Thread(() -> loop(() -> dispatcher.dispatchOnce(instanceId)), "dispatcher-" + i));
        }
        if (settings.workers > 0) {
            // One per instance: UNKNOWN texts are rare, and each is settled by itself (ADR 0017).
            start(new Thread(() -> loop(() -> reconciler.reconcileOnce(instanceId)), "reconciler"));
        }
        LOG.info("Dispatcher started with {} workers as {}", settings.workers, instanceId);
    }

    private void start(Thread t) {
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    /** One round of a loop: how many messages it took (0: nothing due). */
    private interface Round {
        int run() throws Exception;
    }

    private void loop(Round round) {
        while (running) {
            try {
                if (round.run() == 0) {
                    Thread.sleep(settings.idlePoll.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // One bad round (database blip, a sender bug) must not end the loop; claims expire and recover.
                LOG.error("{} round failed", Thread.currentThread().getName(), e);
                try {
                    Thread.sleep(settings.idlePoll.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static double backlog(DataSource db, Clock clock) {
        try (Connection c = db.getConnection();
             var ps = c.prepareStatement("SELECT count(*) FROM message WHERE status IN ('PENDING', 'UNKNOWN') AND due_at <= ?")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        // Let a round in flight finish and record its outcomes; a send is never cut off half way by choice.
        // One deadline for all workers, so that stopping fits a platform's grace period (30 s by default);
        // settable for platforms with another grace period, and so tests can reach the interrupt below.
        long deadline = System.nanoTime() + stopGrace.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        // Still busy: interrupt, so unsent texts are released and what was sent is recorded.
        threads.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
        long after = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        for (Thread t : threads) {
            t.join(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(after - System.nanoTime())));
        }
    }
}
