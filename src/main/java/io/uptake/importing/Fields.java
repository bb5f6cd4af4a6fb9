package io.uptake.importing;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reading the values of messy GP exports: dates in the three formats seen, sex in letters or words,
 * languages as ISO 639-1 codes or English names, ethnicity text to its ONS 2021 high-level group.
 * Each reader returns the normal form or throws {@link Invalid} with a sentence a CCC understands.
 */
final class Fields {
    private Fields() {
    }

    /** A value that cannot be read; the message says what was expected. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private static final List<DateTimeFormatter> DATE_FORMATS = List.of(
            DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT),
            DateTimeFormatter.ofPattern("d/M/uuuu").withResolverStyle(ResolverStyle.STRICT),
            new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern("d-MMM-uuuu")
                    .toFormatter(Locale.ENGLISH).withResolverStyle(ResolverStyle.STRICT));

    static LocalDate date(String raw) throws Invalid {
        // en_GB abbreviates September "Sept"; exports use "Sep". Accept both.
        String s = raw.replaceFirst("(?i)-sept-", "-Sep-");
        for (DateTimeFormatter f : DATE_FORMATS) {
            try {
                return LocalDate.parse(s, f);
            } catch (DateTimeParseException ignored) {
                // try the next format
            }
        }
        throw new Invalid("'" + raw + "' is not a date: use 2024-03-01, 01/03/2024 or 01-Mar-2024");
    }

    static char sex(String raw) throws Invalid {
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "m", "male", "man" -> 'M';
            case "f", "female", "woman" -> 'F';
            case "", "u", "unknown", "not known", "not specified", "indeterminate", "i", "other", "x" -> 'U';
            default -> throw new Invalid("'" + raw + "' is not a sex: use M, F or U (or Male, Female, Unknown)");
        };
    }

    private static final Map<String, String> LANGUAGES = languages();

    private static Map<String, String> languages() {
        Map<String, String> map = new HashMap<>();
        for (String code : Locale.getISOLanguages()) {
            if (code.length() == 2) {
                map.put(code, code);
                map.put(key(Locale.forLanguageTag(code).getDisplayLanguage(Locale.ENGLISH)), code);
            }
        }
        // Spellings and names found in GP records that the JDK does not know.
        map.put("panjabi", "pa");
        map.put("punjabi", "pa");
        map.put("bangla", "bn");
        map.put("sylheti", "bn");     // written Bengali is what Sylheti speakers read
        map.put("mirpuri", "ur");     // likewise Urdu for Mirpuri speakers
        map.put("farsi", "fa");
        map.put("pushto", "ps");
        map.put("mandarin", "zh");
        map.put("cantonese", "zh");
        map.put("kurdish", "ku");
        map.put("britishsignlanguage", "en");  // texts are read in written English
        return Map.copyOf(map);
    }

    /** ISO 639-1 code for a code or an English name; empty input means English. */
    static String language(String raw) throws Invalid {
        String k = key(raw.replaceAll("\\(.*\\)", ""));
        if (k.isEmpty() || k.equals("notrecorded") || k.equals("notknown") || k.equals("unknown")) {
            return "en";
        }
        String code = LANGUAGES.get(k);
        if (code == null) {
            throw new Invalid("'" + raw + "' is not a language we know: use an ISO 639-1 code (ur) or an English name (Urdu)");
        }
        return code;
    }

    /**
     * The ONS 2021 high-level group for ethnicity text, matched on the category words so that
     * "Black British", "Caribbean" and "Black or Black British - African" all read BLACK.
     * Mixed is tested first because its names contain the other groups' words.
     */
    static String ethnicityGroup(String raw) {
        String s = " " + raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", " ").trim() + " ";
        if (s.isBlank() || has(s, "not stated", "not known", "unknown", "refused", "declined", "not recorded",
                "not given", "no ethnicity")) {
            return "UNKNOWN";
        }
        if (has(s, "mixed", "multiple", "white and black", "white and asian", "dual heritage")) {
            return "MIXED";
        }
        if (has(s, "black", "african", "caribbean", "somali", "nigerian", "ghanaian", "eritrean", "ethiopian")) {
            return "BLACK";
        }
        if (has(s, "asian", "indian", "pakistani", "bangladeshi", "chinese", "sri lankan", "kashmiri", "punjabi",
                "tamil", "nepali", "sikh")) {
            return "ASIAN";
        }
        if (has(s, "arab", "other ethnic")) {
            return "OTHER";
        }
        if (has(s, "white", "british", "english", "welsh", "scottish", "irish", "gypsy", "traveller", "roma",
                "polish", "romanian", "european")) {
            return "WHITE";
        }
        if (has(s, "other")) {
            return "OTHER";
        }
        return "UNKNOWN";
    }

    private static boolean has(String s, String... words) {
        for (String w : words) {
            if (s.contains(" " + w + " ")) {
                return true;
            }
        }
        return false;
    }

    static Optional<Short> imdDecile(String raw) throws Invalid {
        if (raw.isBlank()) {
            return Optional.empty();
        }
        try {
            short d = Short.parseShort(raw.trim());
            if (d >= 1 && d <= 10) {
                return Optional.of(d);
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw new Invalid("'" + raw + "' is not an IMD decile: use a whole number from 1 (most deprived) to 10");
    }

    /** Header and name key: lower case letters and digits only. */
    static String key(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }
}
