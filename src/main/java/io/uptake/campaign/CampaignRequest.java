package io.uptake.campaign;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.util.List;

/** The body of POST /api/campaigns, as sent; {@link CampaignPlan#from} validates and fills defaults. */
@Serdeable
public record CampaignRequest(@Nullable String name, @Nullable String programme, @Nullable String asOf,
                              @Nullable String startAt, @Nullable Window sendWindow,
                              @Nullable List<Reminder> reminders, @Nullable BigDecimal controlFraction,
                              @Nullable Integer attributionDays, @Nullable String bookingUrl,
                              @Nullable String replyPhone) {

    @Serdeable
    public record Window(@Nullable List<String> days, @Nullable String from, @Nullable String to,
                         @Nullable Boolean skipBankHolidays) {
    }

    @Serdeable
    public record Reminder(@Nullable Integer afterDays) {
    }
}
