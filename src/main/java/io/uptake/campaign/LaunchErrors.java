package io.uptake.campaign;

import io.uptake.time.DateInput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The launch form's errors in people's words, each with the form field it links to: the API's field names
 * ({@code controlFraction}, {@code sendWindow.to}) and its reasons ("must be between 0 and 0.5") are for
 * programs, the NHS error summary and error messages are for a CCC ("Enter a name for the campaign").
 * A pure rule (LaunchErrorsTest).
 */
final class LaunchErrors {
    /** One error as the page shows it: the form control's id (the summary's link) and the sentence. */
    record Shown(String field, String anchor, String message, List<String> parts) {
        Shown(String field, String anchor, String message) {
            this(field, anchor, message, List.of());
        }
    }

    /**
     * The form's own check of a three-field date, already in people's words: the field is {@code base:parts}
     * ("asOf:month"; "asOf:" for the date as a whole), so that the summary links to the first box concerned and only
     * those boxes are outlined.
     */
    static CampaignPlan.FieldError dateError(String base, DateInput.Read read) {
        return new CampaignPlan.FieldError(base + ":" + String.join(",", read.parts()), read.problem());
    }

    private LaunchErrors() {
    }

    static List<Shown> of(List<CampaignPlan.FieldError> errors) {
        return errors.stream().map(LaunchErrors::shown).toList();
    }

    /** The first error of each field, by the API's field name, for the message under that field. */
    static Map<String, String> byField(List<CampaignPlan.FieldError> errors) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Shown s : of(errors)) {
            out.putIfAbsent(s.field(), s.message());
        }
        return out;
    }

    /** The boxes of each date field to outline (all three where the list is empty), for fields with an error. */
    static Map<String, List<String>> partsByField(List<CampaignPlan.FieldError> errors) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Shown s : of(errors)) {
            out.putIfAbsent(s.field(), s.parts());
        }
        return out;
    }

    static Shown shown(CampaignPlan.FieldError e) {
        String field = e.field() == null ? "campaign" : e.field();
        String reason = e.reason() == null ? "" : e.reason();
        int colon = field.indexOf(':');
        if (colon > 0) {
            String base = field.substring(0, colon);
            List<String> parts = colon == field.length() - 1 ? List.of()
                    : List.of(field.substring(colon + 1).split(","));
            return new Shown(base, base + "-" + (parts.isEmpty() ? DateInput.DAY : parts.get(0)), reason, parts);
        }
        return switch (field) {
            case "name" -> new Shown(field, "name", reason.startsWith("is required")
                    ? "Enter a name for the campaign" : "The campaign name must be 200 characters or fewer");
            case "programme" -> new Shown(field, "programme", "Choose a programme");
            case "asOf" -> new Shown(field, "asOf-day", reason.contains("year from today")
                    ? "The cohort date must be no later than a year from today"
                    : "Enter the cohort date as a real date, for example 2 3 2026");
            case "startAt" -> new Shown(field, "startAt-day", reason.contains("within")
                    ? "The start must be within 2 years from now, and not more than a year ago"
                    : "Enter the start as a date and time, or leave it blank to start now");
            case "startTime" -> new Shown(field, "startTime", reason);
            case "reminders" -> new Shown(field, "reminders", reason.startsWith("at most")
                    ? "You can have at most 5 reminders"
                    : "Enter reminders as numbers of days after the first text, for example 7, 14");
            case "controlFraction" -> new Shown(field, "controlFraction",
                    reason.contains("decimal") ? "The control share can have at most 3 decimal places, for example 0.125"
                            : "The control share must be a number from 0 to 0.5, for example 0.2");
            case "attributionDays" -> new Shown(field, "name", "The attribution window must be from 1 to 365 days");
            case "sendWindow.days" -> new Shown(field, "days", reason.startsWith("needs")
                    ? "Enter at least one sending day, for example MON-FRI"
                    : "Enter sending days as MON, TUE, WED, THU, FRI, SAT or SUN, for example MON-FRI");
            case "sendWindow.from" -> new Shown(field, "from", "Enter the time sending starts each day, for example 9:00");
            case "sendWindow.to" -> new Shown(field, "to", reason.contains("after")
                    ? "The time sending stops must be after the time it starts"
                    : "Enter the time sending stops each day, for example 17:30");
            case "dailyCap" -> new Shown(field, "dailyCap", reason.contains("three years")
                    ? "At this daily cap the texts would take more than three years to send: raise the cap"
                    : "Enter the daily cap as a whole number of texts a day, 1 or more, or leave it blank for no cap");
            // The channel questions (FormWaves) already say it in the form's words; each links to its first choice.
            case "invitationBy", "remindersBy", "callAfterDays" -> new Shown(field, field, reason);
            default -> new Shown(field, "name", sentence(reason));
        };
    }

    private static String sentence(String reason) {
        return reason.isEmpty() ? "Check the campaign's details" : Character.toUpperCase(reason.charAt(0)) + reason.substring(1);
    }
}
