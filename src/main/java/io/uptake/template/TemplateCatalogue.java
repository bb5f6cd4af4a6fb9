package io.uptake.template;

import com.ibm.icu.text.MessageFormat;
import com.ibm.icu.text.MessagePattern;
import com.ibm.icu.util.ULocale;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The template sets ({@code templates/}) and the language files ({@code i18n/}), loaded and checked.
 * English is the reference: every other language must have each of its keys, non-empty, with exactly the
 * same ICU MessageFormat placeholders. A language with a broken key is not used for the messages that
 * need that key (English is, for the whole message), and the problem is listed.
 */
final class TemplateCatalogue {
    static final String ENGLISH = "en";
    static final String REPLIES = "replies";
    private static final List<String> META = List.of("meta.name", "meta.nativeName", "meta.direction",
            "meta.reviewStatus");
    private static final List<String> KEYWORD_KEYS = List.of("keywords.optOut", "keywords.optIn", "keywords.call",
            "keywords.help");
    /**
     * The numbered choices a programme may offer (issue 15), in number order: a choice's number is its place here
     * plus one, the same in every programme and language, so that a "4" can never mean two things.
     */
    static final List<String> CHOICES = List.of("callMe", "alreadyDone", "newKit", "notForMe");
    /** The words of each choice but the first, whose words are keywords.call (choice 1 is the call request). */
    static final List<String> CHOICE_KEYWORD_KEYS = List.of("keywords.choice.alreadyDone", "keywords.choice.newKit",
            "keywords.choice.notForMe");
    static final String CHOICES_SENTENCE = "instruction.choices";
    /** What carriers honour in every language (as MessageTemplates and the replies' KeywordMatcher list them). */
    private static final List<String> CARRIER_WORDS = List.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END",
            "QUIT", "REVOKE", "OPTOUT", "START", "UNSTOP", "HELP", "INFO");
    private static final List<String> SHARED = List.of("instruction.optOut", "instruction.callBack", "common.booking");
    /** What a letter says instead of the texting instructions (a letter cannot be answered with STOP). */
    static final List<String> LETTER = List.of("letter.callBack", "letter.optOut", "letter.howToBook",
            "letter.nhsNumber");
    /**
     * Every programme message and the help and unknown-reply texts must say these; {choices} says how to ask for a
     * call as well as {callBack} does (its choice 1 is the call request), so a text may have either.
     */
    private static final Set<String> MUST_SAY = Set.of("practiceName", "optOut", "callBack");

    /** Set name (a programme, or "replies") to its message keys, in order. */
    private final Map<String, List<String>> sets = new LinkedHashMap<>();
    private final Map<String, String> purposes = new LinkedHashMap<>();
    /** Programme to the choices its texts offer (templates/<programme>.properties choices=); absent: none. */
    private final Map<String, List<String>> choices = new LinkedHashMap<>();
    private final Map<String, Properties> texts = new LinkedHashMap<>();
    private final Map<String, LanguageInfo> languages = new LinkedHashMap<>();
    /** Language to the keys that are missing, empty or have other placeholders than English. */
    private final Map<String, Set<String>> brokenKeys = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * @param open opens a file by its path relative to the project root ("templates/index.properties",
     *             "i18n/ur.properties"), or empty when it does not exist
     */
    TemplateCatalogue(Function<String, Optional<InputStream>> open) {
        Properties index = read(open, "templates/index.properties")
                .orElseThrow(() -> new IllegalStateException("templates/index.properties is missing"));
        List<String> setNames = new ArrayList<>(list(index.getProperty("sets", "")));
        setNames.add(REPLIES);
        for (String set : setNames) {
            Properties def = read(open, "templates/" + set + ".properties")
                    .orElseThrow(() -> new IllegalStateException("templates/" + set + ".properties is missing"));
            List<String> messages = list(def.getProperty("messages", ""));
            if (messages.isEmpty()) {
                throw new IllegalStateException("templates/" + set + ".properties lists no messages");
            }
            sets.put(set, messages);
            List<String> offered = list(def.getProperty("choices", ""));
            for (String c : offered) {
                if (!CHOICES.contains(c)) {
                    throw new IllegalStateException("templates/" + set + ".properties offers an unknown choice '" + c
                            + "'; choices are " + CHOICES);
                }
            }
            if (!offered.isEmpty()) {
                choices.put(set, offered);
            }
            for (String m : messages) {
                purposes.put(key(set, m), def.getProperty(m + ".purpose", ""));
            }
        }
        for (String lang : list(index.getProperty("languages", ""))) {
            Properties p = read(open, "i18n/" + lang + ".properties").orElse(null);
            if (p == null) {
                problems.add(lang + ": i18n/" + lang + ".properties is missing");
                continue;
            }
            texts.put(lang, p);
            languages.put(lang, new LanguageInfo(lang, p.getProperty("meta.name", lang),
                    p.getProperty("meta.nativeName", lang), p.getProperty("meta.direction", "ltr"),
                    p.getProperty("meta.reviewStatus", "draft"), p.getProperty("meta.reviewedBy", "")));
        }
        if (!texts.containsKey(ENGLISH)) {
            throw new IllegalStateException("i18n/en.properties is missing: English is the fallback");
        }
        check();
    }

    private void check() {
        Properties en = texts.get(ENGLISH);
        List<String> required = new ArrayList<>(META);
        required.addAll(KEYWORD_KEYS);
        required.addAll(CHOICE_KEYWORD_KEYS);
        required.add(CHOICES_SENTENCE);
        required.addAll(SHARED);
        required.addAll(LETTER);
        sets.forEach((set, messages) -> messages.forEach(m -> required.add(key(set, m))));
        for (String k : required) {
            if (blank(en.getProperty(k))) {
                problems.add("en: " + k + " is missing or empty");
            }
        }
        // The words STOP handling owns, in any language: no choice may use one (a reply is read as a keyword first,
        // so such a choice word could never be chosen, and the text would offer what cannot be answered).
        Set<String> reserved = new LinkedHashSet<>(CARRIER_WORDS);
        for (Properties p : texts.values()) {
            for (String k : List.of("keywords.optOut", "keywords.optIn", "keywords.help")) {
                list(p.getProperty(k, "")).forEach(w -> reserved.add(w.toUpperCase(Locale.ROOT)));
            }
        }
        for (var entry : texts.entrySet()) {
            String lang = entry.getKey();
            Properties p = entry.getValue();
            Set<String> broken = new TreeSet<>();
            for (String k : CHOICE_KEYWORD_KEYS) {
                for (String w : list(p.getProperty(k, ""))) {
                    if (reserved.contains(w.toUpperCase(Locale.ROOT))) {
                        broken.add(k);
                        problems.add(lang + ": " + k + " has " + w + ", an opt-out, opt-in or help word: STOP "
                                + "handling owns it");
                    }
                }
            }
            for (String k : required) {
                String value = p.getProperty(k);
                if (blank(value)) {
                    broken.add(k);
                    problems.add(lang + ": " + k + " is missing or empty");
                    continue;
                }
                if (k.startsWith("meta.") || k.startsWith("keywords.")) {
                    continue;
                }
                Set<String> names;
                try {
                    names = placeholders(value);
                } catch (IllegalArgumentException e) {
                    broken.add(k);
                    problems.add(lang + ": " + k + " is not a valid message pattern: " + e.getMessage());
                    continue;
                }
                Set<String> expected = blank(en.getProperty(k)) ? Set.of() : placeholders(en.getProperty(k));
                if (!names.equals(expected)) {
                    broken.add(k);
                    problems.add(lang + ": " + k + " has placeholders " + names + " but English has " + expected);
                }
                boolean mustSay = sets.keySet().stream().anyMatch(s -> !s.equals(REPLIES) && k.startsWith(s + "."))
                        || k.equals(key(REPLIES, "help")) || k.equals(key(REPLIES, "unknownReply"));
                Set<String> said = new LinkedHashSet<>(names);
                if (said.contains("choices")) {
                    said.add("callBack");
                }
                if (mustSay && !said.containsAll(MUST_SAY)) {
                    broken.add(k);
                    problems.add(lang + ": " + k + " must name the practice and say how to opt out and ask for a call "
                            + MUST_SAY);
                }
            }
            for (String k : p.stringPropertyNames()) {
                if (!en.containsKey(k)) {
                    problems.add(lang + ": " + k + " is not an English key (renamed?)");
                }
            }
            if (!blank(p.getProperty("instruction.optOut")) && !p.getProperty("instruction.optOut").contains("STOP")) {
                broken.add("instruction.optOut");
                problems.add(lang + ": instruction.optOut must include the word STOP, which every carrier honours");
            }
            String callText = p.getProperty("instruction.callBack", "").toUpperCase(Locale.ROOT);
            List<String> callWords = list(p.getProperty("keywords.call", ""));
            if (!blank(callText) && callWords.stream().noneMatch(w -> callText.contains(w.toUpperCase(Locale.ROOT)))) {
                broken.add("instruction.callBack");
                problems.add(lang + ": instruction.callBack names none of its keywords.call " + callWords);
            }
            String choiceText = p.getProperty(CHOICES_SENTENCE, "");
            for (int n = 1; n <= CHOICES.size() && !blank(choiceText); n++) {
                if (!choiceText.contains(String.valueOf(n))) {
                    broken.add(CHOICES_SENTENCE);
                    problems.add(lang + ": " + CHOICES_SENTENCE + " does not offer choice " + n + " by its number");
                }
            }
            if (callWords.stream().anyMatch(w -> w.equalsIgnoreCase("YES"))) {
                broken.add("keywords.call");
                problems.add(lang + ": keywords.call must not include YES (carriers treat it as opt-in)");
            }
            brokenKeys.put(lang, broken);
        }
    }

    /** The keys a set needs in a language: its messages and what they embed (the choices, when it offers them). */
    private List<String> keysOf(String set) {
        List<String> keys = new ArrayList<>(SHARED);
        if (choices.containsKey(set)) {
            keys.add(CHOICES_SENTENCE);
            keys.addAll(CHOICE_KEYWORD_KEYS);
        }
        sets.getOrDefault(set, List.of()).forEach(m -> keys.add(key(set, m)));
        return keys;
    }

    boolean complete(String set, String lang) {
        Set<String> broken = brokenKeys.get(lang);
        return broken != null && keysOf(set).stream().noneMatch(broken::contains);
    }

    /** A letter needs its set's messages and the letter keys in the language. */
    boolean completeLetter(String set, String lang) {
        Set<String> broken = brokenKeys.get(lang);
        return complete(set, lang) && LETTER.stream().noneMatch(broken::contains);
    }

    List<String> completeLanguages(String set) {
        return languages.keySet().stream().filter(l -> complete(set, l)).toList();
    }

    String text(String lang, String key) {
        return texts.get(lang).getProperty(key);
    }

    Map<String, List<String>> sets() {
        return Collections.unmodifiableMap(sets);
    }

    /** The choices {@code set}'s texts offer, in number order of {@link #CHOICES}; empty for none. */
    List<String> choices(String set) {
        return choices.getOrDefault(set, List.of());
    }

    String purpose(String set, String message) {
        return purposes.getOrDefault(key(set, message), "");
    }

    Map<String, LanguageInfo> languages() {
        return Collections.unmodifiableMap(languages);
    }

    List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    static String key(String set, String message) {
        return (set.equals(REPLIES) ? "reply" : set) + "." + message;
    }

    static String format(String pattern, String lang, Map<String, Object> values) {
        Map<Compiled, MessageFormat> compiled = COMPILED.get();
        if (compiled.size() >= MAX_COMPILED) {
            // PCNs' own texts add patterns over time (each approved version): keep the map small.
            compiled.clear();
        }
        return compiled.computeIfAbsent(new Compiled(pattern, lang),
                k -> new MessageFormat(k.pattern(), ULocale.forLanguageTag(k.lang()))).format(values);
    }

    /** {@code pattern} formatted without keeping it: a draft being typed is a new pattern at every keystroke. */
    static String formatOnce(String pattern, String lang, Map<String, Object> values) {
        return new MessageFormat(pattern, ULocale.forLanguageTag(lang)).format(values);
    }

    private static final int MAX_COMPILED = 512;

    /**
     * Parsing an ICU pattern costs more than formatting it, and the dispatcher formats the same few patterns
     * for every text. ICU's MessageFormat is not thread-safe, so each thread keeps its own (patterns and
     * languages are a fixed, small set read from the catalogue, so the map stays small).
     */
    private static final ThreadLocal<Map<Compiled, MessageFormat>> COMPILED = ThreadLocal.withInitial(HashMap::new);

    private record Compiled(String pattern, String lang) {
    }

    /** The argument names of an ICU MessageFormat pattern. */
    static Set<String> placeholders(String pattern) {
        MessagePattern mp = new MessagePattern(pattern);
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < mp.countParts(); i++) {
            MessagePattern.Part part = mp.getPart(i);
            if (part.getType() == MessagePattern.Part.Type.ARG_NAME) {
                names.add(mp.getSubstring(part));
            }
        }
        return names;
    }

    static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Optional<Properties> read(Function<String, Optional<InputStream>> open, String path) {
        Optional<InputStream> in = open.apply(path);
        if (in.isEmpty()) {
            return Optional.empty();
        }
        try (InputStreamReader reader = new InputStreamReader(in.get(), StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(reader);
            return Optional.of(p);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
    }
}
