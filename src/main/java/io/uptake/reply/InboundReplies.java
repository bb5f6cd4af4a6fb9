package io.uptake.reply;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.optout.OptOutLedger;
import io.uptake.optout.QueuedSends;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Stores, understands and answers one inbound text, exactly once per MessageSid. Everything for one
 * number happens under a transaction-scoped advisory lock on that number, so that Twilio's duplicate
 * deliveries and a burst from one phone are decided one at a time (dedupe and the loop guard count
 * stay exact).
 */
@Singleton
class InboundReplies {
    private static final Logger LOG = LoggerFactory.getLogger(InboundReplies.class);
    private final JdbcOperations jdbc;
    private final SenderMatcher senders;
    private final KeywordMatcher keywords;
    private final ReplyVocabulary vocabulary;
    private final OptOutLedger ledger;
    private final QueuedSends queued;
    private final InboundRaw raw;
    private final Clock clock;
    private final int maxAutoRepliesPerDay;
    private final ChoiceReader choices;

    InboundReplies(JdbcOperations jdbc, SenderMatcher senders, KeywordMatcher keywords, ReplyVocabulary vocabulary,
                   OptOutLedger ledger, QueuedSends queued, InboundRaw raw, Clock clock,
                   @Value("${uptake.reply.max-auto-replies-per-day:3}") int maxAutoRepliesPerDay) {
        this.jdbc = jdbc;
        this.senders = senders;
        this.keywords = keywords;
        this.vocabulary = vocabulary;
        this.ledger = ledger;
        this.queued = queued;
        this.raw = raw;
        this.clock = clock;
        this.maxAutoRepliesPerDay = maxAutoRepliesPerDay;
        this.choices = ChoiceReader.of(vocabulary, keywords);
    }

    /**
     * What we answer, and whether this delivery makes the provider send a text from our number now (our
     * auto-reply, or Twilio's own opt-out confirmation): false for a repeated delivery, answered as before.
     */
    record Answer(Optional<String> text, boolean providerSendsNow) {
    }

    /**
     * Understands and acts on a delivery already kept in {@link InboundRaw}, and marks it processed in the
     * same transaction.
     *
     * @param receivedAt when the delivery first reached us (its raw row's time)
     * @param late       processed by the retry, after the webhook's answer has gone: nothing can be
     *                   answered any more (no_reply_reason PROCESSED_LATE)
     * @return the auto-reply to send as the TwiML message (empty for none)
     */
    @Transactional
    public Answer receive(InboundSms sms, Instant receivedAt, boolean late) {
        lockNumber(sms.from());
        Optional<Optional<String>> earlier = storedAnswer(sms.messageSid());
        if (earlier.isPresent()) {
            raw.markProcessed(sms.messageSid(), clock.instant());
            LOG.info("Inbound {} delivered again: answered as before", sms.messageSid());
            return new Answer(late ? Optional.empty() : earlier.get(), false);
        }
        Instant now = receivedAt;
        SenderMatcher.SenderMatch match = senders.match(sms.from());
        KeywordMatcher.Understanding understood = keywords.understand(sms.body(), match.language(), sms.optOutType());
        ReplyChoice choice = choice(sms, match, understood);
        if (choice == ReplyChoice.CALL_ME) {
            understood = new KeywordMatcher.Understanding(Intent.CALL_REQUEST, understood.keywordLanguage(), false);
        } else if (choice != null) {
            understood = new KeywordMatcher.Understanding(Intent.CHOICE, null, false);
        }
        Intent intent = understood.intent();

        // The levels (number, and the patient's own when no one else can be on the number) are OptOutRule's.
        boolean startButStillOptedOut = false;
        if (intent == Intent.OPT_OUT) {
            ledger.fromNumber(sms.from(), match.patientId(), match.candidates(), OptOutLedger.Action.OPT_OUT,
                    OptOutLedger.Source.REPLY, sms.messageSid(), null);
            queued.cancelFor(match.patientId(), sms.from(), "Opted out by reply");
        } else if (intent == Intent.OPT_IN) {
            ledger.fromNumber(sms.from(), match.patientId(), match.candidates(), OptOutLedger.Action.OPT_IN,
                    OptOutLedger.Source.REPLY, sms.messageSid(), null);
            // A START frees the number only. If the patient it matched still may not be texted (their own
            // objection, which only a CCC can undo), confirming "you will get our texts again" would be false:
            // a CCC calls them instead, to hear it from them and record their opt-in.
            startButStillOptedOut = match.patientId() != null && ledger.isOptedOut(match.patientId());
        }

        AutoReply kind = startButStillOptedOut ? AutoReply.CALL_BACK
                : intent == Intent.CHOICE ? choice.answer() : AutoReply.answering(intent, match.pcnId() != null);
        String noReply = whyNoReply(sms, match, intent, now);
        if (noReply == null && late) {
            noReply = "PROCESSED_LATE";
        }
        String reply = noReply == null ? vocabulary.autoReply(kind, match.language(), values(match)) : null;
        insert(sms, now, match, understood, reply, kind, noReply,
                understood.intent().needsPerson() || startButStillOptedOut, choice);
        raw.markProcessed(sms.messageSid(), clock.instant());
        LOG.info("Inbound {} understood as {}{}{}, matched={} candidates={}, auto-reply={}{}", sms.messageSid(), intent,
                choice == null ? "" : " " + choice, understood.likelyOptOut() ? " (likely opt-out)" : "", match.patientId() != null, match.candidates(),
                reply != null ? kind : noReply, sms.cleaned() ? ", text cleaned for storage" : "");
        return new Answer(Optional.ofNullable(reply), !late && (reply != null || "TWILIO_ANSWERED".equals(noReply)));
    }

    /**
     * The numbered choice the reply is, when the text it answered offered choices. Never for what STOP handling
     * owns: an opt-out, opt-in or help keyword, Twilio's own opt-out verdict, or free text that reads as an opt-out
     * (a CCC reads that one). A call request (CALL, 1) is choice 1 in a campaign that offers it.
     */
    private @Nullable ReplyChoice choice(InboundSms sms, SenderMatcher.SenderMatch match,
                                         KeywordMatcher.Understanding understood) {
        if (match.campaignId() == null || sms.optOutType() != null || understood.likelyOptOut()) {
            return null;
        }
        if (understood.intent() != Intent.CALL_REQUEST && understood.intent() != Intent.FREE_TEXT) {
            return null;
        }
        java.util.Set<ReplyChoice> offered = vocabulary.choicesOffered(programme(match.campaignId()));
        if (understood.intent() == Intent.CALL_REQUEST) {
            return offered.contains(ReplyChoice.CALL_ME) ? ReplyChoice.CALL_ME : null;
        }
        return choices.read(sms.body(), offered, match.language()).orElse(null);
    }

    private @Nullable String programme(long campaignId) {
        return jdbc.prepareStatement("SELECT programme FROM campaign WHERE id = ?", ps -> {
            ps.setLong(1, campaignId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        });
    }

    /**
     * Null when we may answer. Twilio Advanced Opt-Out answers its own keywords; an opted-out number gets
     * nothing more (Twilio would refuse it with 21610) except the confirmation of its opt-out or opt-in;
     * and a number that has had its day's auto-replies gets no more, which breaks loops with autoresponders.
     */
    private @Nullable String whyNoReply(InboundSms sms, SenderMatcher.SenderMatch match, Intent intent, Instant now) {
        if (sms.optOutType() != null && intent != Intent.FREE_TEXT && intent != Intent.CALL_REQUEST) {
            return "TWILIO_ANSWERED";
        }
        if (intent != Intent.OPT_OUT && intent != Intent.OPT_IN && optedOut(match, sms.from())) {
            return "OPTED_OUT";
        }
        if (autoRepliesToday(sms.from(), now) >= maxAutoRepliesPerDay) {
            return "LOOP_GUARD";
        }
        return null;
    }

    private boolean optedOut(SenderMatcher.SenderMatch match, String from) {
        return ledger.isNumberOptedOut(from) || (match.patientId() != null && ledger.isOptedOut(match.patientId()));
    }

    /** Counted from what we stored, per calendar day of the service's clock (its zone, uptake.timezone). */
    private int autoRepliesToday(String from, Instant now) {
        Instant startOfDay = LocalDate.ofInstant(now, clock.getZone()).atStartOfDay(clock.getZone()).toInstant();
        return jdbc.prepareStatement("""
                SELECT count(*) FROM inbound_message
                WHERE from_number = ? AND received_at >= ? AND auto_reply IS NOT NULL""", ps -> {
            ps.setString(1, from);
            ps.setTimestamp(2, Timestamp.from(startOfDay));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private static Map<String, String> values(SenderMatcher.SenderMatch match) {
        Map<String, String> values = new HashMap<>();
        if (match.practiceName() != null) {
            values.put("practice", match.practiceName());
        }
        if (match.practicePhone() != null) {
            values.put("practicePhone", match.practicePhone());
        }
        return values;
    }

    private void lockNumber(String from) {
        jdbc.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))", ps -> {
            ps.setString(1, "inbound:" + from);
            ps.execute();
            return null;
        });
    }

    /** Present when this MessageSid was stored before; inside it, the answer we gave (empty for none). */
    private Optional<Optional<String>> storedAnswer(String messageSid) {
        return jdbc.prepareStatement("SELECT auto_reply FROM inbound_message WHERE message_sid = ?", ps -> {
            ps.setString(1, messageSid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Optional.ofNullable(rs.getString(1))) : Optional.empty();
            }
        });
    }

    private void insert(InboundSms sms, Instant now, SenderMatcher.SenderMatch match,
                        KeywordMatcher.Understanding understood, String reply, AutoReply kind, String noReply,
                        boolean forInbox, @Nullable ReplyChoice choice) {
        // A coded choice is an inbox item with its outcome set: still open when a CCC must act (call, order a kit),
        // done on arrival when not (already done, an informed decline), dated when it came.
        String status = choice != null ? (choice.open() ? "OPEN" : "DONE") : forInbox ? "OPEN" : "NONE";
        String outcome = choice == null || choice.outcome() == null ? null : choice.outcome().name();
        Timestamp doneAt = "DONE".equals(status) ? Timestamp.from(now) : null;
        jdbc.prepareStatement("""
                INSERT INTO inbound_message (message_sid, from_number, to_number, body, segments, received_at,
                    patient_id, campaign_id, answered_message_id, pcn_id, candidate_patients, language,
                    classification, keyword_language, likely_opt_out, opt_out_type, auto_reply, auto_reply_kind,
                    no_reply_reason, inbox_status, body_cleaned, choice, outcome, done_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", ps -> {
            ps.setString(1, sms.messageSid());
            ps.setString(2, sms.from());
            ps.setString(3, sms.to());
            ps.setString(4, sms.body());
            ps.setObject(5, sms.segments(), Types.INTEGER);
            ps.setTimestamp(6, Timestamp.from(now));
            ps.setObject(7, match.patientId(), Types.BIGINT);
            ps.setObject(8, match.campaignId(), Types.BIGINT);
            ps.setObject(9, match.messageId(), Types.BIGINT);
            ps.setObject(10, match.pcnId(), Types.BIGINT);
            ps.setInt(11, match.candidates());
            ps.setString(12, match.language());
            ps.setString(13, understood.intent().name());
            ps.setString(14, understood.keywordLanguage());
            ps.setBoolean(15, understood.likelyOptOut());
            ps.setString(16, sms.optOutType());
            ps.setString(17, reply);
            ps.setString(18, reply == null ? null : kind.name());
            ps.setString(19, noReply);
            ps.setString(20, status);
            ps.setBoolean(21, sms.cleaned());
            ps.setString(22, choice == null ? null : choice.name());
            ps.setString(23, outcome);
            ps.setTimestamp(24, doneAt);
            return ps.executeUpdate();
        });
    }
}
