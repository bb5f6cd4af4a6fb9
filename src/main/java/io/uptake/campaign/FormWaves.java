package io.uptake.campaign;

import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;

/**
 * The launch form's channel choices as the API's waves (issue 14): how the invitation goes, how the reminders go, and
 * whether a call list follows the last reminder, some days after the first text. The API names each wave's channel
 * ({@code waves[i].channel}); the form asks the two questions a CCC would ask, since every reminder of a campaign
 * goes the same way. A pure rule (FormWavesTest).
 */
final class FormWaves {
    /** The reminders to send (the call list is one more wave, with its days) and the waves; null waves: all AUTO. */
    record Plan(List<CampaignRequest.Reminder> reminders, @Nullable List<CampaignRequest.Wave> waves,
                List<CampaignPlan.FieldError> errors) {
    }

    private FormWaves() {
    }

    static Plan plan(@Nullable String invitationBy, @Nullable String remindersBy, boolean callList,
                     @Nullable String callAfterDays, List<CampaignRequest.Reminder> reminders) {
        List<CampaignPlan.FieldError> errors = new ArrayList<>();
        WaveChannel invitation = channel("invitationBy", invitationBy, errors);
        WaveChannel reminder = channel("remindersBy", remindersBy, errors);
        List<CampaignRequest.Reminder> all = new ArrayList<>(reminders);
        if (callList) {
            int last = reminders.stream().map(CampaignRequest.Reminder::afterDays)
                    .filter(d -> d != null).mapToInt(Integer::intValue).max().orElse(0);
            Integer days = null;
            try {
                days = callAfterDays == null || callAfterDays.isBlank() ? null : Integer.valueOf(callAfterDays.strip());
            } catch (NumberFormatException e) {
                // reported below, as a blank one is
            }
            if (days == null || days <= last || days > 365) {
                errors.add(new CampaignPlan.FieldError("callAfterDays", last == 0
                        ? "Enter the days after the first text when the call list starts, from 1 to 365"
                        : "Enter the days after the first text when the call list starts, more than the last "
                        + "reminder's " + last + " and at most 365"));
            } else {
                all.add(new CampaignRequest.Reminder(days));
            }
        }
        if (invitation == WaveChannel.AUTO && reminder == WaveChannel.AUTO && !callList) {
            return new Plan(all, null, errors);
        }
        List<CampaignRequest.Wave> waves = new ArrayList<>();
        waves.add(new CampaignRequest.Wave(invitation.name()));
        reminders.forEach(r -> waves.add(new CampaignRequest.Wave(reminder.name())));
        if (callList) {
            waves.add(new CampaignRequest.Wave(WaveChannel.CALL.name()));
        }
        return new Plan(all, waves, errors);
    }

    private static WaveChannel channel(String field, @Nullable String given, List<CampaignPlan.FieldError> errors) {
        if (given == null || given.isBlank()) {
            return WaveChannel.AUTO;
        }
        WaveChannel c = WaveChannel.parse(given).orElse(null);
        if (c == null || c == WaveChannel.CALL) {
            errors.add(new CampaignPlan.FieldError(field, "Choose how these go: by text or letter, by text only, or by letter"));
            return WaveChannel.AUTO;
        }
        return c;
    }
}
