package io.uptake.template;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.io.ResourceResolver;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The "what" of a campaign: renders a programme's message, or a shared reply, in a patient's language,
 * with its encoding, segments and cost. A language is used only when its translation of everything the
 * message needs is complete; otherwise the whole message is in English (never a mix).
 *
 * <p>Templates and translations are read from the classpath ({@code templates/} and {@code i18n/}); the
 * build copies them there from the project's top-level folders of the same names, so the jar carries them.
 */
@Singleton
public class MessageTemplates {
    private static final Logger LOG = LoggerFactory.getLogger(MessageTemplates.class);
    /** What carriers (Twilio) already understand, in every language. */
    private static final List<String> CARRIER_OPT_OUT = List.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END",
            "QUIT", "REVOKE", "OPTOUT");
    private static final List<String> CARRIER_OPT_IN = List.of("START", "UNSTOP");
    private static final java.util.regex.Pattern DOUBLE_SPACE = java.util.regex.Pattern.compile(" {2,}");
    private static final List<String> CARRIER_HELP = List.of("HELP", "INFO");

    private final TemplateCatalogue catalogue;
    private final BigDecimal pricePerSegment;
    private final String currency;
    private final int maxSegments;
    private final List<String> problems;

    @Inject
    MessageTemplates(ResourceResolver resources,
                     @Value("${uptake.template.price-per-segment}") BigDecimal pricePerSegment,
                     @Value("${uptake.template.currency}") String currency,
                     @Value("${uptake.template.max-segments:6}") int maxSegments) {
        this(new TemplateCatalogue(path -> resources.getResourceAsStream("classpath:" + path)),
                pricePerSegment, currency, maxSegments);
    }

    MessageTemplates(TemplateCatalogue catalogue, BigDecimal pricePerSegment, String currency, int maxSegments) {
        this.catalogue = catalogue;
        this.pricePerSegment = pricePerSegment;
        this.currency = currency;
        this.maxSegments = maxSegments;
        List<String> all = new ArrayList<>(catalogue.problems());
        all.addAll(segmentProblems());
        this.problems = List.copyOf(all);
        if (!problems.isEmpty()) {
            LOG.error("{} template problem(s); affected languages fall back to English: {}", problems.size(), problems);
        }
    }

    /** The programmes that have a template set. */
    public List<String> programmes() {
        return catalogue.sets().keySet().stream().filter(s -> !s.equals(TemplateCatalogue.REPLIES)).toList();
    }

    /** A programme's message keys ("initial", "reminder", ...). */
    public List<String> messages(String programme) {
        return catalogue.sets().getOrDefault(programme, List.of());
    }

    /**
     * The numbered choices {@code programme}'s texts offer (issue 15), by name ("callMe", "alreadyDone", "newKit",
     * "notForMe"), each numbered by its place in {@link #CHOICE_NAMES} plus one; empty when it offers none.
     */
    public List<String> choices(String programme) {
        return catalogue.choices(programme);
    }

    /** Every choice a programme may offer, in number order: "callMe" is 1, "notForMe" 4. */
    public static final List<String> CHOICE_NAMES = TemplateCatalogue.CHOICES;

    /**
     * The words that code a reply to a choice in {@code lang}, by choice name, upper-cased as written (no choice
     * has words in an unknown language). Choice 1's are {@link Keywords#call()}: it is the call request.
     */
    public Map<String, List<String>> choiceWords(String lang) {
        String code = lang == null ? "" : lang.toLowerCase(Locale.ROOT);
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (!catalogue.languages().containsKey(code)) {
            return out;
        }
        for (String key : TemplateCatalogue.CHOICE_KEYWORD_KEYS) {
            String value = catalogue.text(code, key);
            out.put(key.substring("keywords.choice.".length()), value == null ? List.of()
                    : TemplateCatalogue.list(value).stream().map(w -> w.toUpperCase(Locale.ROOT)).toList());
        }
        return out;
    }

    public String purpose(String programme, String message) {
        return catalogue.purpose(programme, message);
    }

    public List<LanguageInfo> languages() {
        return List.copyOf(catalogue.languages().values());
    }

    public Optional<LanguageInfo> language(String code) {
        return Optional.ofNullable(code == null ? null : catalogue.languages().get(code.toLowerCase(Locale.ROOT)));
    }

    /** Languages with a complete translation of the programme's messages and what they embed. */
    public List<String> completeLanguages(String programme) {
        return catalogue.completeLanguages(programme);
    }

    /** The language a patient whose imported language is {@code requested} is texted in for this programme. */
    public String messageLanguage(String programme, String requested) {
        String lang = requested == null ? TemplateCatalogue.ENGLISH : requested.trim().toLowerCase(Locale.ROOT);
        return catalogue.complete(programme, lang) ? lang : TemplateCatalogue.ENGLISH;
    }

    /**
     * Renders {@code programme}'s {@code message} for a patient whose language is {@code requestedLang}.
     *
     * @throws IllegalArgumentException when the programme has no such message
     */
    public RenderedMessage render(String programme, String message, String requestedLang, Placeholders values) {
        return render(programme, message, requestedLang, values, OwnTexts.NONE);
    }

    /**
     * As {@link #render(String, String, String, Placeholders)}, with a PCN's own words where {@code own} has them
     * for the language used (the shipped words otherwise). Which of a PCN's texts may be used is the caller's
     * decision: approved ones to send ({@link PcnTexts#sending}), a campaign's frozen ones ({@link PcnTexts#ofCampaign}).
     */
    public RenderedMessage render(String programme, String message, String requestedLang, Placeholders values,
                                  OwnTexts own) {
        if (!messages(programme).contains(message) || programme.equals(TemplateCatalogue.REPLIES)) {
            throw new IllegalArgumentException("No message '" + message + "' for programme '" + programme
                    + "'; messages: " + messages(programme));
        }
        return renderKey(programme, message, requestedLang, values, own);
    }

    /** Renders a shared reply (opt-out confirmation, help, ...) in the patient's language. */
    public RenderedMessage renderReply(Reply reply, String requestedLang, Placeholders values) {
        return renderKey(TemplateCatalogue.REPLIES, reply.key(), requestedLang, values, OwnTexts.NONE);
    }

    /**
     * The version of what {@code lang} sends for {@code programme}: a digest of its message texts and the shared
     * sentences they embed, so any change to them is a new version (which needs approving again).
     */
    public String version(String programme, String lang) {
        return version(programme, lang, OwnTexts.NONE);
    }

    /**
     * The version of what {@code lang} sends for {@code programme} with a PCN's own words {@code own} in place of
     * the shipped ones: the same digest as the shipped version where the PCN has none, so an approval of the
     * shipped texts still holds; any text of its own makes it another version, which the PCN's LEAD approves.
     */
    public String version(String programme, String lang, OwnTexts own) {
        StringBuilder all = new StringBuilder();
        List<String> keys = new ArrayList<>(List.of("instruction.optOut", "instruction.callBack", "common.booking"));
        // Only a programme that offers choices sends their sentence: the others' versions, and so their approvals,
        // are what they were before choices existed.
        if (!choices(programme).isEmpty()) {
            keys.add(TemplateCatalogue.CHOICES_SENTENCE);
        }
        messages(programme).forEach(m -> keys.add(TemplateCatalogue.key(programme, m)));
        for (String k : keys) {
            String mine = k.startsWith(programme + ".") ? own.text(lang, k.substring(programme.length() + 1)) : null;
            String t = mine != null ? mine : catalogue.text(lang, k);
            all.append(k).append('=').append(t == null ? "" : t).append('\n');
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(all.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The shipped pattern of {@code programme}'s {@code message} in {@code lang} (null when it has none). */
    public String shippedText(String programme, String message, String lang) {
        return catalogue.text(lang, TemplateCatalogue.key(programme, message));
    }

    /** What {@code segments} segments cost at the configured price. */
    public BigDecimal cost(long segments) {
        return pricePerSegment.multiply(BigDecimal.valueOf(segments));
    }

    public String currency() {
        return currency;
    }

    public BigDecimal pricePerSegment() {
        return pricePerSegment;
    }

    public int maxSegments() {
        return maxSegments;
    }

    /** Everything wrong with the templates and translations; empty when all is well (a test keeps it so). */
    public List<String> problems() {
        return problems;
    }

    /** The single-word replies of {@code lang} (English's for an unknown language), carrier words included. */
    public Keywords keywords(String lang) {
        String code = lang == null ? TemplateCatalogue.ENGLISH : lang.toLowerCase(Locale.ROOT);
        if (!catalogue.languages().containsKey(code)) {
            code = TemplateCatalogue.ENGLISH;
        }
        return new Keywords(code,
                words(code, "keywords.optOut", CARRIER_OPT_OUT),
                words(code, "keywords.optIn", CARRIER_OPT_IN),
                words(code, "keywords.call", List.of()),
                words(code, "keywords.help", CARRIER_HELP));
    }

    /** Keywords of every language, for a reply engine that does not know the sender's language. */
    public Map<String, Keywords> allKeywords() {
        Map<String, Keywords> all = new LinkedHashMap<>();
        catalogue.languages().keySet().forEach(l -> all.put(l, keywords(l)));
        return all;
    }

    private List<String> words(String lang, String key, List<String> always) {
        Set<String> out = new LinkedHashSet<>(always);
        for (String source : List.of(lang, TemplateCatalogue.ENGLISH)) {
            String value = catalogue.text(source, key);
            if (value != null) {
                TemplateCatalogue.list(value).forEach(w -> out.add(w.toUpperCase(Locale.ROOT)));
            }
        }
        return List.copyOf(out);
    }

    private RenderedMessage renderKey(String set, String message, String requestedLang, Placeholders values,
                                      OwnTexts own) {
        String requested = requestedLang == null ? TemplateCatalogue.ENGLISH
                : requestedLang.trim().toLowerCase(Locale.ROOT);
        String lang = catalogue.complete(set, requested) ? requested : TemplateCatalogue.ENGLISH;
        String mine = own.text(lang, message);
        String text = SmsText.normalise(mine != null ? format(mine, lang, values) : format(set, message, lang, values));
        SmsSegments.Count count = SmsSegments.count(text);
        LanguageInfo info = catalogue.languages().get(lang);
        return new RenderedMessage(set, message, requested, lang, text, count.encoding(), count.characters(),
                count.segments(), cost(count.segments()), currency, info.draft(), info.rtl());
    }

    private String format(String set, String message, String lang, Placeholders values) {
        return format(catalogue.text(lang, TemplateCatalogue.key(set, message)), lang, values);
    }

    /**
     * {@code pattern} in {@code lang} with the values merged. In a right-to-left language every merged value and
     * every left-to-right run that needs it is kept in its own order with direction marks ({@link BidiMarks}).
     */
    String format(String pattern, String lang, Placeholders values) {
        return format(pattern, lang, values, true);
    }

    private String format(String pattern, String lang, Placeholders values, boolean keep) {
        boolean rtl = catalogue.languages().get(lang).rtl();
        java.util.function.UnaryOperator<String> merged = rtl ? BidiMarks::bracket : v -> v;
        Map<String, Object> args = new HashMap<>();
        args.put("givenName", merged.apply(values.givenName()));
        args.put("practiceName", merged.apply(values.practiceName()));
        args.put("practicePhone", values.practicePhone() == null ? "" : merged.apply(values.practicePhone()));
        String link = values.bookingLink();
        args.put("booking", link == null || link.isBlank() ? ""
                : TemplateCatalogue.format(catalogue.text(lang, "common.booking"), lang,
                        Map.of("bookingLink", merged.apply(link))));
        args.put("optOut", catalogue.text(lang, "instruction.optOut"));
        args.put("callBack", catalogue.text(lang, "instruction.callBack"));
        args.put("choices", catalogue.text(lang, TemplateCatalogue.CHOICES_SENTENCE));
        String text = keep ? TemplateCatalogue.format(pattern, lang, args)
                : TemplateCatalogue.formatOnce(pattern, lang, args);
        // An absent booking link leaves a double space behind; nothing else in a text needs two.
        text = DOUBLE_SPACE.matcher(text).replaceAll(" ").trim();
        return rtl ? BidiMarks.mark(text) : text;
    }

    /**
     * The words of a programme's letter in the patient's language: the programme's {@code message} as the body,
     * with the letter's own ways to ask for a call and to opt out in place of the texting ones. English, whole,
     * when the language lacks any of it.
     */
    public LetterText letter(String programme, String message, String requestedLang, Placeholders values) {
        if (!messages(programme).contains(message) || programme.equals(TemplateCatalogue.REPLIES)) {
            throw new IllegalArgumentException("No letter '" + message + "' for programme '" + programme + "'");
        }
        String requested = requestedLang == null ? TemplateCatalogue.ENGLISH
                : requestedLang.trim().toLowerCase(Locale.ROOT);
        String lang = catalogue.completeLetter(programme, requested) ? requested : TemplateCatalogue.ENGLISH;
        Map<String, Object> phone = Map.of("practicePhone", values.practicePhone() == null ? "" : values.practicePhone());
        Map<String, Object> args = new HashMap<>(phone);
        args.put("givenName", values.givenName());
        args.put("practiceName", values.practiceName());
        String link = values.bookingLink();
        args.put("booking", link == null || link.isBlank() ? ""
                : TemplateCatalogue.format(catalogue.text(lang, "common.booking"), lang, Map.of("bookingLink", link)));
        args.put("optOut", "");
        args.put("callBack", TemplateCatalogue.format(catalogue.text(lang, "letter.callBack"), lang, phone));
        // A letter cannot be answered with a number: its choices are the letter's way to ask for a call.
        args.put("choices", args.get("callBack"));
        String body = DOUBLE_SPACE.matcher(TemplateCatalogue.format(
                catalogue.text(lang, TemplateCatalogue.key(programme, message)), lang, args)).replaceAll(" ").trim();
        LanguageInfo info = catalogue.languages().get(lang);
        return new LetterText(programme, requested, lang, info.rtl(), info.draft(), body,
                TemplateCatalogue.format(catalogue.text(lang, "letter.howToBook"), lang, phone),
                TemplateCatalogue.format(catalogue.text(lang, "letter.optOut"), lang, phone),
                catalogue.text(lang, "letter.nhsNumber"));
    }

    /** The placeholders a PCN's text may use, and why each that the shipped English text has must stay. */
    private static final Map<String, String> PLACEHOLDER_PURPOSES = new LinkedHashMap<>();

    static {
        PLACEHOLDER_PURPOSES.put("givenName", "it greets the patient by their name");
        PLACEHOLDER_PURPOSES.put("practiceName", "the patient must know which practice is texting them");
        PLACEHOLDER_PURPOSES.put("practicePhone", "it tells the patient which number to call");
        PLACEHOLDER_PURPOSES.put("booking", "it holds the booking link when a campaign has one");
        PLACEHOLDER_PURPOSES.put("callBack", "it tells the patient how to ask for a call");
        PLACEHOLDER_PURPOSES.put("optOut", "it tells the patient how to stop the texts");
        PLACEHOLDER_PURPOSES.put("choices", "it offers the numbered replies Uptake codes, and how to ask for a call");
    }

    /** Longer than any text that fits the segment limit: what a CCC may type at most. */
    static final int MAX_TYPED = 1000;

    /**
     * The checks of a PCN's draft of {@code programme}'s {@code message} in {@code language}, as the editor shows
     * them while the CCC types and as a save applies them: the same placeholders as the shipped English message
     * (the rule every translation keeps), no other placeholder, within the segment limit with long values, and in a
     * right-to-left language every left-to-right run in its order on a handset ({@link BidiCheck}).
     *
     * @throws IllegalArgumentException for an unknown programme, message or language
     */
    public TextCheck check(String programme, String message, String language, String typed) {
        if (!programmes().contains(programme) || !messages(programme).contains(message)
                || !catalogue.languages().containsKey(language)) {
            throw new IllegalArgumentException("No message '" + message + "' of '" + programme + "' in '" + language + "'");
        }
        String text = ownText(typed);
        LanguageInfo info = catalogue.languages().get(language);
        Set<String> required = TemplateCatalogue.placeholders(
                catalogue.text(TemplateCatalogue.ENGLISH, TemplateCatalogue.key(programme, message)));
        List<String> problems = new ArrayList<>();
        boolean renderable = false;
        if (!catalogue.complete(programme, language)) {
            problems.add("The " + info.name() + " texts Uptake ships are incomplete, so " + info.name()
                    + " is sent in English: they cannot be changed until they are fixed.");
        } else if (text.isEmpty()) {
            problems.add("Enter the words of the text.");
        } else if (text.length() > MAX_TYPED) {
            problems.add("The text must be " + MAX_TYPED + " characters or fewer.");
        } else {
            Set<String> names = ownPlaceholders(text, problems);
            if (names != null) {
                for (String n : names) {
                    if (!PLACEHOLDER_PURPOSES.containsKey(n)) {
                        problems.add("{" + n + "} is not a placeholder Uptake knows. Use only "
                                + String.join(" ", required.stream().map(r -> "{" + r + "}").toList()) + ".");
                    }
                }
                for (String r : required) {
                    if (!names.contains(r)) {
                        problems.add("Put {" + r + "} back in the text: " + PLACEHOLDER_PURPOSES.getOrDefault(r, "the "
                                + "shipped text has it") + ".");
                    }
                }
                renderable = problems.isEmpty();
            }
        }
        if (!renderable) {
            return new TextCheck(text, List.copyOf(problems), null, null, 0, 0, 0, maxSegments, null, currency,
                    info.rtl(), List.copyOf(required));
        }
        Placeholders sample = Placeholders.sample();
        String preview = SmsText.normalise(format(text, language, sample, false));
        SmsSegments.Count count = SmsSegments.count(preview);
        Placeholders longest = Placeholders.longest();
        String longText = SmsText.normalise(format(text, language, longest, false));
        int longSegments = SmsSegments.count(longText).segments();
        if (longSegments > maxSegments) {
            problems.add("With a long name and practice name this text takes " + longSegments
                    + " segments; the limit is " + maxSegments + ". Make it shorter.");
        }
        if (info.rtl()) {
            Set<String> bidi = new LinkedHashSet<>(BidiCheck.problems(text, preview, sample));
            bidi.addAll(BidiCheck.problems(text, longText, longest));
            problems.addAll(bidi);
        }
        return new TextCheck(text, List.copyOf(problems), preview, count.encoding(), count.characters(),
                count.segments(), longSegments, maxSegments, cost(count.segments()), currency, info.rtl(),
                List.copyOf(required));
    }

    /**
     * What a PCN's typed text is stored as: control characters and the bidi controls removed ({@link
     * io.uptake.patient.PlainText}: the marks a handset needs are added when the text is rendered, never typed),
     * runs of spaces and line breaks as one space.
     */
    static String ownText(String typed) {
        String clean = io.uptake.patient.PlainText.clean(typed == null ? "" : typed);
        return clean.replaceAll("\\s+", " ").trim();
    }

    /** The placeholder names of {@code text}, or null (with the problem added) when it is not a simple pattern. */
    private static Set<String> ownPlaceholders(String text, List<String> problems) {
        com.ibm.icu.text.MessagePattern mp;
        try {
            mp = new com.ibm.icu.text.MessagePattern(text);
        } catch (IllegalArgumentException e) {
            problems.add("Each { needs a } after the placeholder's name, as in {givenName}. To write a curly bracket "
                    + "itself, put it in single quotes: '{'.");
            return null;
        }
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < mp.countParts(); i++) {
            com.ibm.icu.text.MessagePattern.Part part = mp.getPart(i);
            if (part.getType() == com.ibm.icu.text.MessagePattern.Part.Type.ARG_START
                    && part.getArgType() != com.ibm.icu.text.MessagePattern.ArgType.NONE) {
                problems.add("Write each placeholder as just its name in curly brackets, as in {givenName}.");
                return null;
            }
            if (part.getType() == com.ibm.icu.text.MessagePattern.Part.Type.ARG_NAME
                    || part.getType() == com.ibm.icu.text.MessagePattern.Part.Type.ARG_NUMBER) {
                names.add(mp.getSubstring(part));
            }
        }
        return names;
    }

    /** Every message in every language, rendered with long realistic values, must fit the segment limit. */
    private List<String> segmentProblems() {
        List<String> out = new ArrayList<>();
        for (var set : catalogue.sets().entrySet()) {
            for (String lang : catalogue.completeLanguages(set.getKey())) {
                for (String message : set.getValue()) {
                    String text = SmsText.normalise(format(set.getKey(), message, lang, Placeholders.longest()));
                    int segments = SmsSegments.count(text).segments();
                    if (segments > maxSegments) {
                        out.add(lang + ": " + TemplateCatalogue.key(set.getKey(), message) + " takes " + segments
                                + " segments with long realistic values; the limit is " + maxSegments);
                    }
                }
            }
        }
        return out;
    }
}
