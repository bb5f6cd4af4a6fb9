package io.uptake.web;

import io.micronaut.core.annotation.Nullable;
import io.uptake.cohort.Programme;
import io.uptake.cohort.RuleBook;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Values as people read them, in the NHS.UK content style: "1 December 2026", "2:30pm", "999 001 2687",
 * "07700 900243", a programme's title and a language's name rather than their keys. Every page gets it as
 * {@code people} (web/PageModel), so a template writes {@code ${people.date(c.createdAt)}}; one place, table-tested
 * (PeopleFormatsTest). Anything it cannot read comes back as it was, never as an error on a working page.
 */
@Singleton
public class PeopleFormats {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK);
    /**
     * One English name per language, the spelling the ONS 2021 census and NHS translations use ("Panjabi",
     * "Bengali"), where the JDK says "Punjabi" and "Bangla". Codes not listed take the JDK's English name.
     */
    private static final Map<String, String> LANGUAGES = Map.ofEntries(
            Map.entry("en", "English"), Map.entry("ur", "Urdu"), Map.entry("pa", "Panjabi"),
            Map.entry("bn", "Bengali"), Map.entry("gu", "Gujarati"), Map.entry("ar", "Arabic"),
            Map.entry("pl", "Polish"), Map.entry("ro", "Romanian"), Map.entry("so", "Somali"),
            Map.entry("zh", "Chinese"), Map.entry("ta", "Tamil"), Map.entry("fa", "Persian (Farsi)"),
            Map.entry("ps", "Pashto"), Map.entry("ku", "Kurdish"), Map.entry("pt", "Portuguese"),
            Map.entry("lt", "Lithuanian"), Map.entry("tr", "Turkish"), Map.entry("ti", "Tigrinya"));
    /** ONS 2021 high-level ethnic groups, by the keys import gives them (importing/Fields.ethnicityGroup). */
    private static final Map<String, String> ETHNIC_GROUPS = Map.of(
            "WHITE", "White", "BLACK", "Black, Black British, Caribbean or African",
            "ASIAN", "Asian or Asian British", "MIXED", "Mixed or multiple ethnic groups",
            "OTHER", "Other ethnic group", "UNKNOWN", "Not known");

    private final ZoneId zone;
    private final Map<String, String> programmes;

    @Inject
    PeopleFormats(Clock clock, RuleBook rules) {
        this(clock.getZone(), rules.programmes().stream()
                .collect(Collectors.toMap(Programme::name, PeopleFormats::shortTitle, (a, b) -> a)));
    }

    /** For tests and for callers outside Micronaut: the zone instants are shown in, and programme titles by key. */
    public PeopleFormats(ZoneId zone, Map<String, String> programmeTitles) {
        this.zone = zone;
        this.programmes = Map.copyOf(programmeTitles);
    }

    /** "1 December 2026": a date, or the London date of an instant. */
    public String date(@Nullable Object value) {
        if (value == null) {
            return "";
        }
        TemporalAccessor t = zoned(value);
        return t == null ? String.valueOf(value) : DATE.format(t);
    }

    /** "2:30pm", "9am", "midday", "midnight": a time, or the London time of an instant. */
    public String time(@Nullable Object value) {
        if (value == null) {
            return "";
        }
        LocalTime t;
        if (value instanceof LocalTime lt) {
            t = lt;
        } else if (value instanceof CharSequence s) {
            try {
                t = LocalTime.parse(s.toString().trim());
            } catch (java.time.format.DateTimeParseException e) {
                return s.toString();
            }
        } else {
            ZonedDateTime z = zoned(value);
            if (z == null) {
                return String.valueOf(value);
            }
            t = z.toLocalTime();
        }
        if (t.getHour() == 12 && t.getMinute() == 0) {
            return "midday";
        }
        if (t.getHour() == 0 && t.getMinute() == 0) {
            return "midnight";
        }
        int hour = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
        String minutes = t.getMinute() == 0 ? "" : String.format(Locale.ROOT, ":%02d", t.getMinute());
        return hour + minutes + (t.getHour() < 12 ? "am" : "pm");
    }

    /** "1 December 2026 at 2:30pm". */
    public String dateTime(@Nullable Object value) {
        if (value == null) {
            return "";
        }
        ZonedDateTime z = zoned(value);
        return z == null ? String.valueOf(value) : date(z) + " at " + time(z.toLocalTime());
    }

    /** "999 001 2687": the NHS's 3-3-4 grouping; anything that is not 10 digits as it was. */
    public String nhsNumber(@Nullable String value) {
        if (value == null) {
            return "";
        }
        String digits = value.replaceAll("[\\s-]", "");
        if (!digits.matches("\\d{10}")) {
            return value;
        }
        return digits.substring(0, 3) + " " + digits.substring(3, 6) + " " + digits.substring(6);
    }

    /** "07700 900243": a UK mobile as people write it, from +447700900243, 447700900243 or 07700900243. */
    public String mobile(@Nullable String value) {
        if (value == null) {
            return "";
        }
        String digits = value.replaceAll("[\\s()-]", "");
        if (digits.startsWith("+44")) {
            digits = "0" + digits.substring(3);
        } else if (digits.startsWith("44") && digits.length() == 12) {
            digits = "0" + digits.substring(2);
        }
        if (!digits.matches("07\\d{9}")) {
            return value;
        }
        return digits.substring(0, 5) + " " + digits.substring(5);
    }

    /**
     * "0161 496 0123" or "07700 900243": a UK number, landline or mobile, as people write it, from E.164 (the form
     * every number is stored in). libphonenumber's national format knows where each area code ends; a number it
     * cannot read, or one from abroad, comes back as it was.
     */
    public String phone(@Nullable String value) {
        if (value == null) {
            return "";
        }
        String mobile = mobile(value);
        if (!mobile.equals(value) || !value.startsWith("+44")) {
            return mobile;
        }
        try {
            com.google.i18n.phonenumbers.PhoneNumberUtil phones = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
            return phones.format(phones.parse(value, "GB"),
                    com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat.NATIONAL);
        } catch (com.google.i18n.phonenumbers.NumberParseException e) {
            return value;
        }
    }

    /**
     * Why a patient got no text, letter or call in a wave, in words, for the reason codes stored with the row
     * (campaign/WaveChannelPolicy); a reason already written as a sentence comes back as it was.
     */
    public String reason(@Nullable String key) {
        if (key == null) {
            return "";
        }
        return REASONS.getOrDefault(key, key);
    }

    private static final Map<String, String> REASONS = Map.of(
            "no-address", "No address on the record to write to",
            "text-only-wave-no-mobile", "No mobile, and this wave is by text only",
            "call-wave-no-phone", "Not on the call list: no phone number on the record",
            "control-arm", "Control arm: held back from every channel");

    /** "Urdu" for {@code ur}: one spelling per language (see LANGUAGES). */
    public String language(@Nullable String code) {
        if (code == null || code.isBlank()) {
            return "Not known";
        }
        String key = code.trim().toLowerCase(Locale.ROOT);
        String name = LANGUAGES.get(key);
        if (name != null) {
            return name;
        }
        String jdk = Locale.forLanguageTag(key).getDisplayLanguage(Locale.UK);
        return jdk.isEmpty() || jdk.equalsIgnoreCase(key) ? code : jdk;
    }

    /** "Bowel screening: FIT kit non-returners" for {@code fit-non-returners}. */
    public String programme(@Nullable String key) {
        if (key == null) {
            return "";
        }
        return programmes.getOrDefault(key, key);
    }

    /** "Black, Black British, Caribbean or African" for {@code BLACK}. */
    public String ethnicGroup(@Nullable String key) {
        if (key == null) {
            return "Not known";
        }
        return ETHNIC_GROUPS.getOrDefault(key.toUpperCase(Locale.ROOT), key);
    }

    /** A status key as a sentence-case word: {@code SENDING} reads "Sending", {@code NOT_SENT} "Not sent". */
    public String status(@Nullable Object key) {
        if (key == null) {
            return "";
        }
        String s = String.valueOf(key).replace('_', ' ').replace('-', ' ').toLowerCase(Locale.ROOT);
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** The NHS tag colour for a status: green when done well, red when failed, blue while running, grey else. */
    public String tagClass(@Nullable Object key) {
        String s = key == null ? "" : String.valueOf(key).toUpperCase(Locale.ROOT);
        String colour = switch (s) {
            case "SENDING", "SCHEDULED", "RUNNING", "OPEN", "PENDING", "QUEUED" -> "blue";
            case "COMPLETE", "COMPLETED", "DONE", "DELIVERED", "APPROVED", "SENT", "FINISHED" -> "green";
            case "FAILED", "UNDELIVERED", "CANCELLED", "STOPPED", "OPTED_OUT", "REJECTED" -> "red";
            case "DRAFT", "PAUSED" -> "yellow";
            default -> "grey";
        };
        return "nhsuk-tag nhsuk-tag--" + colour;
    }

    private static String shortTitle(Programme p) {
        return p.title() == null || p.title().isBlank() ? p.name() : p.title();
    }

    private ZonedDateTime zoned(Object value) {
        if (value instanceof ZonedDateTime z) {
            return z.withZoneSameInstant(zone);
        }
        if (value instanceof Instant i) {
            return i.atZone(zone);
        }
        if (value instanceof OffsetDateTime o) {
            return o.atZoneSameInstant(zone);
        }
        if (value instanceof LocalDateTime l) {
            return l.atZone(zone);
        }
        if (value instanceof LocalDate d) {
            return d.atStartOfDay(zone);
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant().atZone(zone);
        }
        if (value instanceof java.util.Date d) {
            return d.toInstant().atZone(zone);
        }
        if (value instanceof CharSequence s) {
            String text = s.toString().trim();
            try {
                return LocalDate.parse(text).atStartOfDay(zone);
            } catch (java.time.format.DateTimeParseException ignored) {
                // not a plain date: try an instant
            }
            try {
                return Instant.parse(text).atZone(zone);
            } catch (java.time.format.DateTimeParseException ignored) {
                return null;
            }
        }
        return null;
    }
}
