package io.uptake.campaign;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.util.List;

/**
 * The body of POST /api/campaigns (and of POST /api/campaigns/preview), as sent; {@link CampaignPlan#from}
 * validates and fills defaults. {@code leaveOut} names eligible patients the CCC leaves out, with a reason each.
 * {@code dailyCap}: texts a day across all waves (null: no cap; see {@link DailyCap}).
 */
@Serdeable
public record CampaignRequest(@Nullable String name, @Nullable String programme, @Nullable String asOf,
                              @Nullable String startAt, @Nullable Window sendWindow,
                              @Nullable List<Reminder> reminders, @Nullable BigDecimal controlFraction,
                              @Nullable Integer attributionDays, @Nullable String bookingUrl,
                              @Nullable String replyPhone, @Nullable List<LeaveOut> leaveOut,
                              @Nullable List<Wave> waves, @Nullable Integer dailyCap) {

    public CampaignRequest(String name, String programme, String asOf, String startAt, Window sendWindow,
                           List<Reminder> reminders, BigDecimal controlFraction, Integer attributionDays,
                           String bookingUrl, String replyPhone, List<LeaveOut> leaveOut, List<Wave> waves) {
        this(name, programme, asOf, startAt, sendWindow, reminders, controlFraction, attributionDays, bookingUrl,
                replyPhone, leaveOut, waves, null);
    }

    public CampaignRequest(String name, String programme, String asOf, String startAt, Window sendWindow,
                           List<Reminder> reminders, BigDecimal controlFraction, Integer attributionDays,
                           String bookingUrl, String replyPhone, List<LeaveOut> leaveOut) {
        this(name, programme, asOf, startAt, sendWindow, reminders, controlFraction, attributionDays, bookingUrl,
                replyPhone, leaveOut, null, null);
    }

    public CampaignRequest(String name, String programme, String asOf, String startAt, Window sendWindow,
                           List<Reminder> reminders, BigDecimal controlFraction, Integer attributionDays,
                           String bookingUrl, String replyPhone) {
        this(name, programme, asOf, startAt, sendWindow, reminders, controlFraction, attributionDays, bookingUrl,
                replyPhone, null, null, null);
    }

    @Serdeable
    public record Window(@Nullable List<String> days, @Nullable String from, @Nullable String to,
                         @Nullable Boolean skipBankHolidays) {
    }

    @Serdeable
    public record Reminder(@Nullable Integer afterDays) {
    }

    /**
     * A wave's settings, in order: the invitation first, then each reminder. {@code channel}: AUTO (the default),
     * SMS, LETTER or CALL. Fewer entries than waves leave the rest AUTO.
     */
    @Serdeable
    public record Wave(@Nullable String channel) {
    }

    /** A patient left out of the campaign before launch: never texted, shown as excluded with this reason. */
    @Serdeable
    public record LeaveOut(@Nullable String nhsNumber, @Nullable String reason) {
    }
}
