package io.uptake.campaign;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.BeanProvider;
import io.uptake.optout.OptOutLedger;
import io.uptake.outbox.Claimed;
import io.uptake.outbox.ClaimRequest;
import io.uptake.outbox.Claims;
import io.uptake.outbox.Leases;
import io.uptake.outbox.Outcomes;
import io.uptake.outbox.Transition;
import io.uptake.sms.MessageStatusService;
import io.uptake.sms.SmsSender;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Sends due messages, one round at a time: takes what the shared throttle allows ({@link SendThrottle}), claims
 * at most that many ({@link Claims}) under a lease that a {@link LeaseHeartbeat} keeps alive,
 * re-checks each message ({@link SendEligibility}), sends the batch ({@link BatchSends}, {@link SendAttempt}) and
 * records every outcome ({@link SendOutcomes}, {@link Outcomes}) in one statement.
 * A message whose lease ran out while SENDING may have gone out: housekeeping marks it UNKNOWN, and the
 * {@link Reconciler}, not this, settles it before anything is sent to that number again. Several instances run
 * this at once; none can claim a message another holds, and (campaign, patient, wave) is unique, so a wave
 * cannot be sent twice.
 */
@Singleton
public class Dispatcher {
    private final Claims claims;
    private final Outcomes outcomes;
    private final Clock clock;
    private final CampaignSettings settings;
    private final BankHolidays holidays;
    private final BeanProvider<SmsSender> senders;
    private final BeanProvider<CampaignTexts> texts;
    private final SendThrottle throttle;
    private final OpenCampaigns openCampaigns;
    private final SenderPause pause;
    private final BatchSends sends;
    private final LeaseHeartbeat heartbeat;
    private final DailyCapCounts capCounts;
    private final Timer claimTime;
    private final Timer recordTime;
    /** Each programme's qualifying event types, as two parallel lists for the claim's unnest. */
    private final List<String> qualifyingProgrammes = new ArrayList<>();
    private final List<String> qualifyingEvents = new ArrayList<>();

    Dispatcher(Claims claims, Leases leases, Outcomes outcomes, Clock clock, CampaignSettings settings, BankHolidays holidays,
               Programmes programmes, OpenCampaigns openCampaigns, BeanProvider<SmsSender> senders,
               BeanProvider<CampaignTexts> texts, SendThrottle throttle, OptOutLedger ledger,
               MessageStatusService statuses, MeterRegistry meters, DailyCapCounts capCounts) {
        this.claims = claims;
        this.capCounts = capCounts;
        this.outcomes = outcomes;
        this.clock = clock;
        this.settings = settings;
        this.holidays = holidays;
        this.openCampaigns = openCampaigns;
        this.senders = senders;
        this.texts = texts;
        this.throttle = throttle;
        this.pause = new SenderPause(clock, settings.retryBase);
        SendOutcomes sendOutcomes = new SendOutcomes(RetryPolicy.of(settings), settings.reconcileAfter);
        this.heartbeat = new LeaseHeartbeat(leases, clock, settings.lease);
        this.sends = new BatchSends(settings,
                new SendAttempt(clock, sendOutcomes, pause, ledger, statuses, texts, meters), sendOutcomes, clock);
        this.claimTime = Timer.builder("uptake.dispatcher.claim")
                .description("One claim of a batch with what its checks and texts need").register(meters);
        this.recordTime = Timer.builder("uptake.dispatcher.record")
                .description("Writing back the outcomes of one batch").register(meters);
        for (String code : programmes.codes()) {
            for (String e : programmes.find(code).orElseThrow().getQualifyingEvents()) {
                qualifyingProgrammes.add(code);
                qualifyingEvents.add(e);
            }
        }
    }

    /**
     * One take-claim-check-send-record round; returns how many messages it claimed (0 = nothing due). Tokens come
     * first: the round takes what the throttle allows and claims at most that many, so no claim waits for the
     * throttle, and the heartbeat keeps the claim's lease alive for as long as its provider calls take. A campaign
     * with a daily cap is allowed its share of the tokens the same way, before the claim ({@link DailyCapCounts}):
     * one at its cap for today is left out, and waits for its next sending day.
     */
    public int dispatchOnce(String instanceId) throws SQLException, InterruptedException {
        if (!senders.isPresent() || !texts.isPresent() || pause.active()) {
            return 0;
        }
        Instant now = clock.instant();
        OpenCampaigns.Open read = openCampaigns.read(now);
        Map<Long, SendWindow> open = read.windows();
        if (open.isEmpty()) {
            return 0;
        }
        SmsSender sender = senders.get();
        int tokens = throttle.takeUpTo(sender.channel(), settings.batchSize);
        DailyCapCounts.Allowance allowance;
        try {
            allowance = capCounts.take(read.caps(), tokens, clock.instant());
        } catch (SQLException | RuntimeException e) {
            throttle.giveBack(sender.channel(), tokens);
            throw e;
        }
        java.util.Set<Long> claimable = allowance.claimable(open.keySet());
        if (claimable.isEmpty()) {
            throttle.giveBack(sender.channel(), tokens);
            capCounts.giveBack(allowance);
            return 0;
        }
        // Each claim gets its own token: the workers of one instance must not mistake each other's claims
        // (a batch that outlived its lease would otherwise overwrite a newer claim of the same message).
        String claimToken = instanceId + "/" + UUID.randomUUID();
        long started = System.nanoTime();
        now = clock.instant();
        List<Claimed> claimed;
        try {
            claimed = claims.claim(new ClaimRequest(claimToken, claimable, now, tokens, now.plus(settings.lease),
                    settings.deceasedEventTypes, qualifyingProgrammes, qualifyingEvents, allowance.allowed()));
        } catch (SQLException | RuntimeException e) {
            throttle.giveBack(sender.channel(), tokens);
            capCounts.giveBack(allowance);
            throw e;
        }
        claimTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        if (claimed.size() < tokens) {
            // Drained (or nearly): the next round reads the campaigns again, so a resumed or newly
            // launched campaign starts at once rather than after the cache's lifetime.
            openCampaigns.forget();
        }
        List<Transition> updates = new ArrayList<>(claimed.size());
        List<Claimed> toSend = new ArrayList<>(claimed.size());
        for (Claimed m : claimed) {
            SendEligibility.Decision d = SendEligibility.atClaim(facts(m, open.get(m.campaignId()), now), now,
                    settings.catchUpLimit);
            if (d == SendEligibility.SEND) {
                toSend.add(m);
            } else {
                updates.add(d.transition(m.id()));
            }
        }
        throttle.giveBack(sender.channel(), tokens - toSend.size());
        if (claimed.isEmpty()) {
            capCounts.giveBack(allowance);
            return 0;
        }
        try (LeaseHeartbeat.Held held = heartbeat.hold(claimToken, claimed.stream().map(Claimed::id).toList(),
                started)) {
            updates.addAll(sends.sendAll(sender, toSend, held));
            long recording = System.nanoTime();
            recordUninterrupted(claimToken, updates, claimed, sender.channel());
            recordTime.record(System.nanoTime() - recording, TimeUnit.NANOSECONDS);
        }
        // After the record: what went counts against today's cap; a failure before here keeps it all (fewer, not more).
        capCounts.giveBack(allowance, claimed, updates);
        return claimed.size();
    }

    /** The campaign and window facts of a claimed message at {@code now}. */
    private SendEligibility.Facts facts(Claimed m, SendWindow window, Instant now) {
        boolean windowOpen = window.isOpen(now, holidays);
        Instant next = windowOpen || !"SENDING".equals(m.context().campaignStatus()) ? null
                : window.nextOpen(now, holidays);
        return SendEligibility.Facts.of(m, windowOpen, next);
    }

    /**
     * Records the batch even when the worker is being stopped: an interrupt would make the pool refuse the
     * connection, and the outcomes of texts already sent would be lost to reconciliation.
     */
    private void recordUninterrupted(String claimToken, List<Transition> updates, List<Claimed> claimed,
                                     String provider) throws SQLException {
        boolean interrupted = Thread.interrupted();
        try {
            Instant now = clock.instant();
            outcomes.record(claimToken, updates, claimed, now, provider);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** For tests that replay the same business time with a fresh database. */
    void forgetSenderPause() {
        pause.forget();
    }

    /** Called once the workers have stopped: texts not yet handed over are released by their batch. */
    @PreDestroy
    void close() {
        sends.close();
        heartbeat.close();
    }
}
