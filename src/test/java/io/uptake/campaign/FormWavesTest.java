package io.uptake.campaign;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The launch form's channel questions as the API's waves: a table, no context. */
class FormWavesTest {
    @ParameterizedTest(name = "[{index}] {0} then {1} x {4}, call {2} after {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // invitation | reminders | call list | call after | reminder days | waves sent | days sent | error field
            "AUTO|AUTO|false|-|14|-|14|-",
            "-|-|false|-|-|-|-|-",
            "LETTER|AUTO|false|-|14|LETTER,AUTO|14|-",
            "SMS|LETTER|false|-|7,14|SMS,LETTER,LETTER|7,14|-",
            "AUTO|AUTO|true|28|14|AUTO,AUTO,CALL|14,28|-",
            "AUTO|AUTO|true|21|-|AUTO,CALL|21|-",
            "AUTO|AUTO|true|14|14|AUTO,AUTO,CALL|14|callAfterDays",
            "AUTO|AUTO|true|-|14|AUTO,AUTO,CALL|14|callAfterDays",
            "AUTO|AUTO|true|soon|14|AUTO,AUTO,CALL|14|callAfterDays",
            "AUTO|AUTO|true|400|-|AUTO,CALL|-|callAfterDays",
            "CALL|AUTO|false|-|14|AUTO,AUTO|14|invitationBy",
            "AUTO|PIGEON|false|-|14|AUTO,AUTO|14|remindersBy"})
    void theFormsAnswersAreTheWaves(String invitation, String reminders, boolean call, String callAfter,
                                    String reminderDays, String waves, String days, String error) {
        List<CampaignRequest.Reminder> given = reminderDays == null ? List.of()
                : Arrays.stream(reminderDays.split(",")).map(d -> new CampaignRequest.Reminder(Integer.valueOf(d))).toList();
        FormWaves.Plan plan = FormWaves.plan(invitation, reminders, call, callAfter, given);
        if (error == null) {
            assertThat(plan.errors()).isEmpty();
            assertThat(plan.waves() == null ? null : plan.waves().stream().map(CampaignRequest.Wave::channel).toList())
                    .isEqualTo(waves == null ? null : Arrays.asList(waves.split(",")));
            assertThat(plan.reminders().stream().map(CampaignRequest.Reminder::afterDays).toList())
                    .isEqualTo(days == null ? List.of() : Arrays.stream(days.split(",")).map(Integer::valueOf).toList());
        } else {
            assertThat(plan.errors()).extracting(CampaignPlan.FieldError::field).containsExactly(error);
        }
    }
}
