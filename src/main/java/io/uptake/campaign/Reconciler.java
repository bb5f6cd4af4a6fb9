package io.uptake.campaign;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.BeanProvider;
import io.uptake.outbox.Reconciliations;
import io.uptake.outbox.Reconciliations.Finding;
import io.uptake.outbox.Reconciliations.Unsettled;
import io.uptake.patient.NhsNumber;
import io.uptake.sms.MessageStatusService;
import io.uptake.sms.SmsSender;
import io.uptake.sms.SmsSender.SendResult;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Settles UNKNOWN messages, as its own job beside the dispatcher (which never claims one): a text that may have
 * gone is found at the provider (QUEUED with its id), shown never to have gone (PENDING again, due now, so every
 * send check runs at the next claim), or asked about again later. Our own id comes first: a status callback
 * carries {@code ?m=<message id>} and settles the message by itself, and an adapter that can look a text up by
 * our id does so; only a lookup by number, body and time is serialised per number (see
 * {@link Reconciliations#settle}). Meanwhile nothing is sent to the number: the claim skips it.
 */
@Singleton
public class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private final Reconciliations reconciliations;
    private final Clock clock;
    private final CampaignSettings settings;
    private final BeanProvider<SmsSender> senders;
    private final BeanProvider<CampaignTexts> texts;
    private final MessageStatusService statuses;
    private final SendOutcomes outcomes;
    private final MeterRegistry meters;

    Reconciler(Reconciliations reconciliations, Clock clock, CampaignSettings settings,
               BeanProvider<SmsSender> senders, BeanProvider<CampaignTexts> texts, MessageStatusService statuses,
               MeterRegistry meters) {
        this.reconciliations = reconciliations;
        this.clock = clock;
        this.settings = settings;
        this.senders = senders;
        this.texts = texts;
        this.statuses = statuses;
        this.meters = meters;
        this.outcomes = new SendOutcomes(RetryPolicy.of(settings), settings.reconcileAfter);
    }

    /** Claims due UNKNOWN messages (at most one per number) and settles them one by one; returns how many. */
    public int reconcileOnce(String instanceId) throws SQLException {
        if (!senders.isPresent() || !texts.isPresent()) {
            return 0;
        }
        Instant now = clock.instant();
        String token = "reconcile:" + instanceId + "/" + UUID.randomUUID();
        List<Unsettled> claimed = reconciliations.claim(token, now, settings.batchSize, now.plus(settings.lease));
        SmsSender sender = senders.get();
        for (int i = 0; i < claimed.size(); i++) {
            if (Thread.currentThread().isInterrupted()) {
                // Stopping: what this round did not reach goes back unleased, for the next instance or start.
                reconciliations.release(token, claimed.subList(i, claimed.size()).stream().map(Unsettled::id).toList());
                break;
            }
            Unsettled m = claimed.get(i);
            try {
                settle(sender, token, m);
            } catch (SQLException | RuntimeException e) {
                // Stays UNKNOWN under our lease; once it runs out the message is reconciled again. Never resent.
                LOG.error("Message {}: reconciliation could not be recorded", m.id(), e);
            }
        }
        return claimed.size();
    }

    private void settle(SmsSender sender, String token, Unsettled m) throws SQLException {
        CampaignTexts.Rendered text;
        try {
            text = m.body() != null ? new CampaignTexts.Rendered(m.body(), m.segments() == null ? 1 : m.segments())
                    : texts.get().render(m.campaignId(), m.programme(), m.templateKey(), m.language(), m.values(),
                            m.bookingToken());
        } catch (RuntimeException e) {
            LOG.error("Message {} for {}: its text cannot be rendered to look for it", m.id(),
                    NhsNumber.mask(m.nhsNumber()), e);
            reconciliations.settle(token, m, false,
                    () -> outcomes.reconcileFailed("the text cannot be rendered: " + e.getMessage(), clock.instant()));
            return;
        }
        SmsSender.OutboundSms sms = statuses.outbound(m.id(), m.to(), text.body());
        boolean byContent = !sender.reconcilesByOwnId();
        reconciliations.settle(token, m, byContent, () -> ask(sender, sms, m, text), sender.channel());
    }

    private Finding ask(SmsSender sender, SmsSender.OutboundSms sms, Unsettled m, CampaignTexts.Rendered text) {
        Finding f;
        try {
            Optional<SendResult> answer = sender.reconcile(sms, m.since());
            f = outcomes.afterReconcile(answer, text.body(), text.segments(), clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("Message {}: reconciliation failed, will try again", m.id(), e);
            f = outcomes.reconcileFailed(e.toString(), clock.instant());
        }
        count(f instanceof Finding.Found ? "reconciled" : f instanceof Finding.NeverWent ? "reconciled_not_sent"
                : "reconcile_failed");
        return f;
    }

    private void count(String outcome) {
        Counter.builder("uptake.campaign.messages").description("Dispatcher outcomes by kind").tag("outcome", outcome)
                .register(meters).increment();
    }
}
