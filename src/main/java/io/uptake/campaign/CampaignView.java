package io.uptake.campaign;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** A campaign as the API and pages show it: its settings, lifecycle and counts so far ({@code dailyCap}: null, none;
 * {@code pausedReason}: why the service paused it, e.g. its PCN's budget reached; null otherwise). */
@Serdeable
public record CampaignView(long id, String name, String programme, String status, LocalDate asOf, Instant startAt,
                           CampaignRequest.Window sendWindow, List<CampaignRequest.Reminder> reminders,
                           BigDecimal controlFraction, int attributionDays, @Nullable String ruleVersion,
                           @Nullable Long splitSeed, String createdBy, Instant createdAt,
                           @Nullable Instant launchedAt, @Nullable Instant completedAt, Counts counts,
                           @Nullable String bookingUrl, @Nullable String replyPhone, List<Wave> waves,
                           @Nullable Integer dailyCap, @Nullable String pausedReason) {

    /** A wave with the channel it names ({@code channelLabel} in people's words) and when it falls due. */
    @Serdeable
    public record Wave(int wave, String template, WaveChannel channel, String channelLabel, Instant dueAt) {
    }

    /**
     * @param pending          not yet sent (pending, being sent, or awaiting reconciliation)
     * @param sent             accepted by the provider (queued, sent, delivered or undelivered)
     * @param failed           failed permanently or undelivered
     * @param optedOut         recipients opted out now
     * @param converted        texted recipients who converted (the one rule of V120 and docs/reports.md, as the report)
     * @param controlConverted the same for the control arm, for comparison
     * @param byPost           of the recipients, those reachable only by post and written to (issue 14, V330)
     * @param byPostControl    of the control arm, those reachable only by post
     *
     * recipients, control, optedOut, converted and controlConverted count both kinds of patient, as the report does.
     */
    @Serdeable
    public record Counts(long recipients, long control, long pending, long sent, long delivered, long failed,
                         long cancelled, long skipped, long optedOut, long converted, long controlConverted,
                         long byPost, long byPostControl) {
    }

    @Serdeable
    public record Message(String nhsNumber, String to, String language, int wave, @Nullable String body,
                          @Nullable Integer segments, String status, @Nullable String errorCode,
                          @Nullable String reason, Instant dueAt, @Nullable Instant sentAt, @Nullable Instant statusAt,
                          Channel channel, @Nullable String provider, long patientId, String patientName, String practiceName) {
    }

    /**
     * Delivery at one practice: texted is every text we tried (queued, sent, delivered, undelivered or refused by the
     * provider); delivered and failed are counted as the campaign's progress counts are (failed: refused or undelivered).
     */
    @Serdeable
    public record PracticeDelivery(String practiceCode, String practiceName, long texted, long delivered, long failed) {
    }

    @Serdeable
    public record MessagePage(int page, int size, long total, List<Message> messages) {
    }
}
