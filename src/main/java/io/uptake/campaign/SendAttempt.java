package io.uptake.campaign;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.BeanProvider;
import io.uptake.optout.OptOutLedger;
import io.uptake.outbox.Claimed;
import io.uptake.outbox.Transition;
import io.uptake.patient.NhsNumber;
import io.uptake.sms.MessageStatusService;
import io.uptake.sms.SmsSender;
import io.uptake.sms.SmsSender.OutboundSms;
import io.uptake.sms.SmsSender.SendResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One claimed text to the provider: render it, hand it over, and turn the answer into a {@link Transition}
 * (through {@link SendOutcomes}). Never throws: whatever escapes a sender may have followed the hand-over, so
 * it becomes UNKNOWN. It never reconciles: an UNKNOWN text is the {@link Reconciler}'s.
 */
final class SendAttempt {
    private static final Logger LOG = LoggerFactory.getLogger(SendAttempt.class);
    private final Clock clock;
    private final SendOutcomes outcomes;
    private final SenderPause pause;
    private final OptOutLedger ledger;
    private final MessageStatusService statuses;
    private final BeanProvider<CampaignTexts> texts;
    private final MeterRegistry meters;
    private final Timer sendDelay;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    SendAttempt(Clock clock, SendOutcomes outcomes, SenderPause pause, OptOutLedger ledger,
                MessageStatusService statuses, BeanProvider<CampaignTexts> texts, MeterRegistry meters) {
        this.clock = clock;
        this.outcomes = outcomes;
        this.pause = pause;
        this.ledger = ledger;
        this.statuses = statuses;
        this.texts = texts;
        this.meters = meters;
        this.sendDelay = Timer.builder("uptake.campaign.send.delay")
                .description("From a message's due time to its hand-over to the provider")
                .publishPercentiles(0.5, 0.99).register(meters);
    }

    /**
     * Sends {@code m} unless the sender is paused, the dispatcher is stopping or the heartbeat says it may not go
     * (no longer ours, its campaign stopped, or the lease not known to hold): then it is released, not sent.
     */
    Transition run(SmsSender sender, Claimed m, LeaseHeartbeat.Held held, BooleanSupplier stopping) {
        try {
            if (pause.active() || Thread.currentThread().isInterrupted() || stopping.getAsBoolean()
                    || !held.mayHandOver(m.id())) {
                return Transition.release(m.id());
            }
            return send(sender, m);
        } catch (RuntimeException e) {
            LOG.error("Message {}: send failed unexpectedly, outcome unknown", m.id(), e);
            return outcomes.unanswered(m, e.toString(), clock.instant());
        }
    }

    private Transition send(SmsSender sender, Claimed m) {
        Claimed.Context c = m.context();
        CampaignTexts.Rendered text;
        try {
            text = texts.get().render(m.campaignId(), c.programme(), m.templateKey(), m.language(), c.values(),
                    c.bookingToken());
        } catch (RuntimeException e) {
            LOG.error("Message {} for {} cannot be rendered", m.id(), NhsNumber.mask(c.nhsNumber()), e);
            return SendOutcomes.unrenderable(m, e.getMessage());
        }
        OutboundSms sms = statuses.outbound(m.id(), m.to(), text.body());
        SendResult result;
        Instant attempt = clock.instant();
        try {
            result = sender.send(sms);
        } catch (RuntimeException e) {
            // An adapter should classify; an exception escaping it leaves us not knowing, which is UNKNOWN.
            LOG.warn("Message {}: sender threw, outcome unknown", m.id(), e);
            result = new SendResult(SendResult.Outcome.UNKNOWN, null, null, e.getClass().getSimpleName());
        }
        sendDelay.record(Math.max(0, Duration.between(m.dueAt(), attempt).toMillis()), TimeUnit.MILLISECONDS);
        return answer(m, result, text, clock.instant(), attempt);
    }

    /** The provider's answer to our send. */
    private Transition answer(Claimed m, SendResult r, CampaignTexts.Rendered text, Instant now, Instant attempt) {
        count(r.outcome().name().toLowerCase(Locale.ROOT));
        switch (r.outcome()) {
            case SENDER_UNAVAILABLE -> pause.start(r);
            case OPTED_OUT -> ledger.fromNumber(m.to(), m.patientId(), 0, OptOutLedger.Action.OPT_OUT,
                    OptOutLedger.Source.TWILIO_21610, "message " + m.id(), "dispatcher");
            default -> {
            }
        }
        return outcomes.afterSend(m, r, text.body(), text.segments(), now, attempt);
    }

    private void count(String outcome) {
        counters.computeIfAbsent(outcome, o -> Counter.builder("uptake.campaign.messages")
                .description("Dispatcher outcomes by kind").tag("outcome", o).register(meters)).increment();
    }
}
