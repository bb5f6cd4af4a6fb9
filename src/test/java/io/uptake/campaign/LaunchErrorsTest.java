package io.uptake.campaign;

import io.uptake.time.DateInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The launch form's errors read as sentences for a CCC and link to the field they are about. */
class LaunchErrorsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "name|is required|name|Enter a name for the campaign",
            "name|must be at most 200 characters|name|The campaign name must be 200 characters or fewer",
            "controlFraction|must be between 0 and 0.5|controlFraction|The control share must be a number from 0 to 0.5, for example 0.2",
            "controlFraction|must be a number from 0 to 0.5|controlFraction|The control share must be a number from 0 to 0.5, for example 0.2",
            "controlFraction|at most 3 decimal places|controlFraction|The control share can have at most 3 decimal places, for example 0.125",
            "dailyCap|must be a whole number of texts a day, 1 or more|dailyCap|Enter the daily cap as a whole number of texts a day, 1 or more, or leave it blank for no cap",
            "dailyCap|at this daily cap the texts would take more than three years to send|dailyCap|At this daily cap the texts would take more than three years to send: raise the cap",
            "sendWindow.to|must be after sendWindow.from|to|The time sending stops must be after the time it starts",
            "sendWindow.days|unknown day 'MOO'|days|Enter sending days as MON, TUE, WED, THU, FRI, SAT or SUN, for example MON-FRI",
            "asOf|must be a date like 2026-03-02|asOf-day|Enter the cohort date as a real date, for example 2 3 2026",
            "reminders|'x' is not a number of days|reminders|Enter reminders as numbers of days after the first text, for example 7, 14",
            "asOf:month|Cohort date must include a month|asOf-month|Cohort date must include a month",
            "asOf:day,month|Cohort date must include a day and month|asOf-day|Cohort date must include a day and month",
            "asOf:|Cohort date must be a real date|asOf-day|Cohort date must be a real date",
            "startAt:year|Year must include 4 numbers|startAt-year|Year must include 4 numbers",
            "startAt|must be within 2 years|startAt-day|The start must be within 2 years from now, and not more than a year ago",
            "campaign|a campaign with this name is already running|name|A campaign with this name is already running"})
    void inPeoplesWords(String field, String reason, String anchor, String message) {
        LaunchErrors.Shown shown = LaunchErrors.shown(new CampaignPlan.FieldError(field, reason));
        assertThat(shown.anchor()).isEqualTo(anchor);
        assertThat(shown.message()).isEqualTo(message);
    }

    @Test
    void noMessageNamesAnInternalField() {
        List<CampaignPlan.FieldError> errors = List.of(new CampaignPlan.FieldError("controlFraction", "must be between 0 and 0.5"),
                new CampaignPlan.FieldError("sendWindow.to", "must be after sendWindow.from"),
                new CampaignPlan.FieldError("startAt", "must be an ISO instant like 2026-03-02T09:00:00Z"));
        assertThat(LaunchErrors.of(errors)).extracting(LaunchErrors.Shown::message)
                .allSatisfy(m -> assertThat(m).doesNotContain("controlFraction", "sendWindow", "startAt", "ISO"));
        assertThat(LaunchErrors.byField(errors)).containsKeys("controlFraction", "sendWindow.to", "startAt");
    }

    @Test
    void aDateErrorOutlinesOnlyTheBoxesItIsAbout() {
        List<CampaignPlan.FieldError> errors = List.of(
                LaunchErrors.dateError("asOf", DateInput.read("Cohort date", "2", "", "2026")),
                LaunchErrors.dateError("startAt", DateInput.read("Start date", "31", "4", "2026")));
        assertThat(LaunchErrors.byField(errors)).containsEntry("asOf", "Cohort date must include a month")
                .containsEntry("startAt", "Start date must be a real date");
        assertThat(LaunchErrors.partsByField(errors)).containsEntry("asOf", List.of("month")).containsEntry("startAt", List.of());
    }
}
