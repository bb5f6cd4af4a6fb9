package io.uptake.reply;

import io.micronaut.context.annotation.Value;
import io.uptake.template.Keywords;
import io.uptake.template.LanguageInfo;
import io.uptake.template.MessageTemplates;
import io.uptake.template.Placeholders;
import io.uptake.template.Reply;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reply keywords and auto-replies from the template feature ({@code i18n/<lang>.properties} keywords.* and
 * reply.* keys, rendered by {@link MessageTemplates}), so a translator edits one file per language.
 */
@Singleton
class TemplateReplyVocabulary implements ReplyVocabulary {
    private final MessageTemplates templates;
    private final String unknownPracticeName;
    private final String unknownPracticePhone;

    TemplateReplyVocabulary(MessageTemplates templates,
                            @Value("${uptake.reply.unknown-sender.practice-name:Your GP practice}") String unknownPracticeName,
                            @Value("${uptake.reply.unknown-sender.practice-phone:your GP practice}") String unknownPracticePhone) {
        this.templates = templates;
        this.unknownPracticeName = unknownPracticeName;
        this.unknownPracticePhone = unknownPracticePhone;
    }

    @Override
    public List<String> languages() {
        List<String> codes = new ArrayList<>(List.of("en"));
        templates.languages().stream().map(LanguageInfo::code).filter(c -> !c.equals("en")).forEach(codes::add);
        return codes;
    }

    @Override
    public Set<String> keywords(String language, Intent intent) {
        Keywords k = templates.keywords(language);
        if (!k.language().equals(language)) {
            return Set.of();
        }
        List<String> words = switch (intent) {
            case OPT_OUT -> k.optOut();
            case OPT_IN -> k.optIn();
            case CALL_REQUEST -> k.call();
            case HELP -> k.help();
            case FREE_TEXT, CHOICE -> List.of();
        };
        return new LinkedHashSet<>(words);
    }

    @Override
    public Map<ReplyChoice, Set<String>> choiceWords(String language) {
        Map<ReplyChoice, Set<String>> out = new java.util.EnumMap<>(ReplyChoice.class);
        templates.choiceWords(language).forEach((name, words) -> {
            ReplyChoice c = ReplyChoice.ofTemplateName(name);
            if (c != null) {
                out.put(c, new LinkedHashSet<>(words));
            }
        });
        return out;
    }

    @Override
    public Set<ReplyChoice> choicesOffered(String programme) {
        Set<ReplyChoice> out = java.util.EnumSet.noneOf(ReplyChoice.class);
        if (programme != null && templates.programmes().contains(programme)) {
            templates.choices(programme).forEach(name -> {
                ReplyChoice c = ReplyChoice.ofTemplateName(name);
                if (c == null) {
                    throw new IllegalStateException("A choice the replies do not know: " + name);
                }
                out.add(c);
            });
        }
        return out;
    }

    /**
     * A sender we cannot place has no practice: the texts then name "your GP practice" (configurable) rather
     * than guess one, because a family mobile or a recycled number could belong to anyone's patient.
     */
    @Override
    public String autoReply(AutoReply kind, String language, Map<String, String> values) {
        if (kind == AutoReply.UNMATCHED_CALL_REQUEST) {
            return UNMATCHED_CALL_REQUEST;
        }
        Placeholders placeholders = new Placeholders("",
                values.getOrDefault("practice", unknownPracticeName),
                values.getOrDefault("practicePhone", unknownPracticePhone), null);
        return templates.renderReply(reply(kind), language, placeholders).text();
    }

    @Override
    public String languageName(String language) {
        return templates.language(language).map(LanguageInfo::name).orElse(language);
    }

    /**
     * In English only, and not in the translated reply set: we cannot know the language of a number we cannot match,
     * and adding a message to that set would fall every language back to English until all eight are translated
     * (TemplateCatalogue.complete). Hazard H-006 in docs/safety/hazard-log.md.
     */
    static final String UNMATCHED_CALL_REQUEST = "Sorry, we could not match your number to a patient record, so we "
            + "cannot call you back. Please call your GP practice.";

    private static Reply reply(AutoReply kind) {
        return switch (kind) {
            case UNMATCHED_CALL_REQUEST -> throw new IllegalArgumentException("not a translated reply: " + kind);
            case OPT_OUT_CONFIRMATION -> Reply.OPT_OUT_CONFIRMATION;
            case OPT_IN_CONFIRMATION -> Reply.OPT_IN_CONFIRMATION;
            case HELP -> Reply.HELP;
            case CALL_BACK -> Reply.CALL_BACK;
            case ACKNOWLEDGEMENT -> Reply.UNKNOWN_REPLY;
            case CHOICE_ALREADY_DONE -> Reply.CHOICE_ALREADY_DONE;
            case CHOICE_NEW_KIT -> Reply.CHOICE_NEW_KIT;
            case CHOICE_NOT_FOR_ME -> Reply.CHOICE_NOT_FOR_ME;
        };
    }
}
