package io.uptake.campaign;

import io.micronaut.serde.annotation.Serdeable;
import io.uptake.booking.ReplyPhone;
import io.uptake.booking.TrackedLinks;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/** A validated campaign request with every default filled in. */
record CampaignPlan(String name, String programme, LocalDate asOf, Instant startAt, SendWindow window,
                    List<Integer> reminderDays, BigDecimal controlFraction, int attributionDays,
                    String bookingUrl, String replyPhone, Map<String, String> leaveOut, List<WaveChannel> channels,
                    Integer dailyCap) {
    /** The most patients one launch may leave out by name: more is a different cohort, not a named list. */
    static final int MAX_LEAVE_OUT = 5000;
    static final int MAX_REASON = 500;

    static final BigDecimal MAX_CONTROL = new BigDecimal("0.5");
    /**
     * How far ahead a start or a cohort date may be. Past this a date is a typing mistake, not a plan (and a date
     * near Instant's limits would overflow the schedule arithmetic); the bank holiday list runs out sooner anyway.
     */
    static final Duration MAX_AHEAD = Duration.ofDays(731);
    /** A start this far in the past is a mistake too; one within it means "now". */
    static final Duration MAX_BEHIND = Duration.ofDays(366);

    @Serdeable
    public record FieldError(String field, String reason) {
    }

    static class Invalid extends RuntimeException {
        final List<FieldError> errors;

        Invalid(List<FieldError> errors) {
            super("Invalid campaign: " + errors);
            this.errors = List.copyOf(errors);
        }
    }

    static CampaignPlan from(CampaignRequest r, Instant now, ZoneId zone, Programmes programmes) {
        List<FieldError> errors = new ArrayList<>();
        String name = r.name() == null ? "" : r.name().strip();
        if (name.isEmpty()) {
            errors.add(new FieldError("name", "is required"));
        } else if (name.length() > 200) {
            errors.add(new FieldError("name", "must be at most 200 characters"));
        }
        var programme = programmes.find(r.programme());
        if (programme.isEmpty()) {
            errors.add(new FieldError("programme", "must be one of " + programmes.codes()));
        }
        LocalDate asOf = now.atZone(zone).toLocalDate();
        if (r.asOf() != null) {
            try {
                asOf = LocalDate.parse(r.asOf());
                LocalDate today = now.atZone(zone).toLocalDate();
                // A cohort is drawn from what is known today: a date far ahead counts kits as overdue that are not.
                if (asOf.isAfter(today.plusYears(1)) || asOf.isBefore(today.minusYears(100))) {
                    errors.add(new FieldError("asOf", "must be no later than a year from today"));
                }
            } catch (DateTimeException e) {
                errors.add(new FieldError("asOf", "must be a date like 2026-03-02"));
            }
        }
        Instant startAt = now;
        if (r.startAt() != null) {
            try {
                startAt = Instant.parse(r.startAt());
                if (startAt.isAfter(now.plus(MAX_AHEAD)) || startAt.isBefore(now.minus(MAX_BEHIND))) {
                    errors.add(new FieldError("startAt", "must be within 2 years from now (and not more than a year ago)"));
                }
            } catch (DateTimeException e) {
                errors.add(new FieldError("startAt", "must be an ISO instant like 2026-03-02T09:00:00Z"));
            }
        }
        SendWindow window = window(r.sendWindow(), errors);
        List<Integer> reminders = new ArrayList<>();
        if (r.reminders() != null) {
            int previous = 0;
            for (int i = 0; i < r.reminders().size(); i++) {
                Integer days = r.reminders().get(i) == null ? null : r.reminders().get(i).afterDays();
                if (days == null || days < 1 || days > 365) {
                    errors.add(new FieldError("reminders[" + i + "].afterDays", "must be a whole number of days from 1 to 365"));
                } else if (days <= previous) {
                    errors.add(new FieldError("reminders[" + i + "].afterDays", "must be later than the reminder before it"));
                } else {
                    reminders.add(days);
                    previous = days;
                }
            }
            if (r.reminders().size() > 5) {
                errors.add(new FieldError("reminders", "at most 5 reminders"));
            }
        }
        BigDecimal control = r.controlFraction() == null ? BigDecimal.ZERO : r.controlFraction();
        if (control.signum() < 0 || control.compareTo(MAX_CONTROL) > 0) {
            errors.add(new FieldError("controlFraction", "must be between 0 and 0.5"));
        } else if (control.scale() > 3 && control.stripTrailingZeros().scale() > 3) {
            errors.add(new FieldError("controlFraction", "at most 3 decimal places"));
        }
        int attribution = programme.map(Programmes.Definition::getAttributionDays).orElse(0);
        if (r.attributionDays() != null) {
            if (r.attributionDays() < 1 || r.attributionDays() > 365) {
                errors.add(new FieldError("attributionDays", "must be from 1 to 365"));
            }
            attribution = r.attributionDays();
        }
        String bookingUrl = r.bookingUrl() == null || r.bookingUrl().isBlank() ? null : r.bookingUrl().strip();
        TrackedLinks.bookingUrlProblem(bookingUrl).ifPresent(p -> errors.add(new FieldError("bookingUrl", p)));
        ReplyPhone.Checked phone = ReplyPhone.check(r.replyPhone());
        if (phone.problem() != null) {
            errors.add(new FieldError("replyPhone", phone.problem()));
        }
        Map<String, String> leaveOut = leaveOut(r.leaveOut(), errors);
        List<WaveChannel> channels = channels(r.waves(), r.reminders() == null ? 1 : 1 + r.reminders().size(), errors);
        String capProblem = DailyCap.problem(r.dailyCap());
        if (capProblem != null) {
            errors.add(new FieldError("dailyCap", capProblem));
        }
        if (!errors.isEmpty()) {
            throw new Invalid(errors);
        }
        return new CampaignPlan(name, programme.orElseThrow().code(), asOf, startAt, window, List.copyOf(reminders),
                control, attribution, bookingUrl, phone.national(), leaveOut, channels, r.dailyCap());
    }

    /** The channel of wave {@code number} (from 1). */
    WaveChannel channel(int number) {
        return channels.get(number - 1);
    }

    /**
     * Each wave's channel, one per wave (the invitation and each reminder), AUTO where the request names none. A
     * call list is for those who did not respond to an earlier wave, so the first wave is never CALL.
     */
    static List<WaveChannel> channels(List<CampaignRequest.Wave> given, int waves, List<FieldError> errors) {
        List<WaveChannel> out = new ArrayList<>();
        int n = given == null ? 0 : given.size();
        if (n > waves) {
            errors.add(new FieldError("waves", "has " + n + " entries but the campaign has " + waves
                    + (waves == 1 ? " wave (the invitation)" : " waves (the invitation and each reminder)")
                    + ": give one entry per wave, in order"));
        }
        for (int i = 0; i < waves; i++) {
            CampaignRequest.Wave w = i < n ? given.get(i) : null;
            String named = w == null ? null : w.channel();
            var channel = WaveChannel.parse(named);
            String field = "waves[" + i + "].channel";
            if (channel.isEmpty()) {
                errors.add(new FieldError(field, "'" + named + "' is not a channel: use AUTO (a text to those with a"
                        + " mobile, a letter to the others), SMS, LETTER or CALL"));
                out.add(WaveChannel.AUTO);
            } else if (i == 0 && channel.get() == WaveChannel.CALL) {
                errors.add(new FieldError(field, "the first wave cannot be a call list: calls are for patients who"
                        + " did not respond to an earlier text or letter"));
                out.add(WaveChannel.AUTO);
            } else {
                out.add(channel.get());
            }
        }
        return List.copyOf(out);
    }

    /**
     * When each wave falls due: wave 1 at the first open slot of the send window from the start, each reminder
     * its days after wave 1, moved on to the next open slot. The launch and its review both use this.
     */
    List<Instant> waveDue(BankHolidays holidays) {
        try {
            List<Instant> due = new ArrayList<>();
            Instant wave1 = window.nextOpen(startAt, holidays);
            due.add(wave1);
            for (int days : reminderDays) {
                due.add(window.nextOpen(wave1.atZone(holidays.zone()).plusDays(days).toInstant(), holidays));
            }
            return due;
        } catch (BankHolidays.CalendarExpiredException e) {
            throw new Invalid(List.of(new FieldError("startAt", e.getMessage())));
        }
    }

    /** The size of the control arm for this many recipients: the launch splits off exactly this many. */
    long controlSize(long recipients) {
        return Math.round(recipients * controlFraction.doubleValue());
    }

    /** NHS number (digits only) to the CCC's reason, in the order given. */
    private static Map<String, String> leaveOut(List<CampaignRequest.LeaveOut> given, List<FieldError> errors) {
        Map<String, String> out = new LinkedHashMap<>();
        if (given == null) {
            return out;
        }
        if (given.size() > MAX_LEAVE_OUT) {
            errors.add(new FieldError("leaveOut", "at most " + MAX_LEAVE_OUT + " patients can be left out by name"));
            return out;
        }
        for (int i = 0; i < given.size(); i++) {
            CampaignRequest.LeaveOut l = given.get(i);
            String nhs = l == null ? null : io.uptake.patient.NhsNumber.normalise(l.nhsNumber());
            String reason = l == null || l.reason() == null ? "" : l.reason().strip();
            if (!io.uptake.patient.NhsNumber.isValid(nhs)) {
                errors.add(new FieldError("leaveOut[" + i + "].nhsNumber", "must be a valid 10-digit NHS number"));
            } else if (out.containsKey(nhs)) {
                errors.add(new FieldError("leaveOut[" + i + "].nhsNumber", "is left out twice"));
            } else if (reason.isEmpty()) {
                errors.add(new FieldError("leaveOut[" + i + "].reason", "say why this patient is left out"));
            } else if (reason.length() > MAX_REASON) {
                errors.add(new FieldError("leaveOut[" + i + "].reason", "must be at most " + MAX_REASON + " characters"));
            } else {
                out.put(nhs, reason);
            }
        }
        return out;
    }

    private static SendWindow window(CampaignRequest.Window w, List<FieldError> errors) {
        SendWindow standard = SendWindow.standard();
        if (w == null) {
            return standard;
        }
        List<DayOfWeek> days = new ArrayList<>();
        if (w.days() == null) {
            days.addAll(standard.days());
        } else {
            for (String d : w.days()) {
                DayOfWeek day = dayOf(d);
                if (day == null) {
                    errors.add(new FieldError("sendWindow.days", "unknown day '" + d + "': use MON, TUE, WED, THU, FRI, SAT, SUN"));
                } else if (!days.contains(day)) {
                    days.add(day);
                }
            }
            if (w.days().isEmpty()) {
                errors.add(new FieldError("sendWindow.days", "needs at least one day"));
            }
        }
        LocalTime from = time(w.from(), standard.from(), "sendWindow.from", errors);
        LocalTime to = time(w.to(), standard.to(), "sendWindow.to", errors);
        if (from != null && to != null && !from.isBefore(to)) {
            errors.add(new FieldError("sendWindow.to", "must be after sendWindow.from"));
        }
        boolean skip = w.skipBankHolidays() == null || w.skipBankHolidays();
        return new SendWindow(days, from, to, skip);
    }

    private static DayOfWeek dayOf(String d) {
        if (d == null) {
            return null;
        }
        String u = d.strip().toUpperCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.name().equals(u) || day.name().startsWith(u) && u.length() == 3) {
                return day;
            }
        }
        return null;
    }

    private static LocalTime time(String value, LocalTime fallback, String field, List<FieldError> errors) {
        if (value == null) {
            return fallback;
        }
        try {
            return LocalTime.parse(value);
        } catch (DateTimeException e) {
            errors.add(new FieldError(field, "must be a time like 08:00"));
            return null;
        }
    }

    /** Serialised for campaign.send_window, in the request's own shape. */
    static String windowJson(SendWindow w) {
        StringBuilder days = new StringBuilder();
        for (DayOfWeek d : w.days()) {
            days.append(days.isEmpty() ? "" : ",").append('"').append(d.name(), 0, 3).append('"');
        }
        return "{\"days\":[" + days + "],\"from\":\"" + w.from() + "\",\"to\":\"" + w.to()
                + "\",\"skipBankHolidays\":" + w.skipBankHolidays() + "}";
    }

    /** Reads campaign.send_window back (written by {@link #windowJson}). */
    static SendWindow storedWindow(CampaignRequest.Window stored) {
        List<FieldError> errors = new ArrayList<>();
        SendWindow w = window(stored, errors);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("Stored send window is invalid: " + errors);
        }
        return w;
    }
}
