package io.uptake.template;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A PCN's texts of one programme and language, as the API answers them and the editor shows them. */
@Singleton
class OwnTextViews {
    private final MessageTemplates templates;
    private final PcnTexts texts;
    private final TemplateApprovals approvals;

    OwnTextViews(MessageTemplates templates, PcnTexts texts, TemplateApprovals approvals) {
        this.templates = templates;
        this.texts = texts;
        this.approvals = approvals;
    }

    /** One message: the current text (the PCN's own, or the shipped one) and the shipped one beside it. */
    @Serdeable
    record MessageText(String message, String purpose, String text, boolean own, String shipped,
                       @Nullable String savedBy, @Nullable Instant savedAt) {
    }

    /**
     * The language's current version for the caller's PCN and its state ({@link TemplateApprovals}), and what is
     * sent meanwhile in people's words.
     */
    @Serdeable
    record LanguageTexts(String programme, String language, String name, boolean rtl, String version, String state,
                         boolean ownTexts, @Nullable String approvedBy, @Nullable Instant approvedAt, String sends,
                         List<MessageText> messages) {
    }

    /** The programme's and the language's codes as known, or empty for an unknown one. */
    Optional<String[]> known(String programme, String language) {
        String lang = language == null ? "" : language.toLowerCase(Locale.ROOT);
        if (programme == null || !templates.programmes().contains(programme) || templates.language(lang).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new String[]{programme, lang});
    }

    LanguageTexts view(String programme, String lang, CurrentUser user) {
        long pcnId = user.pcnId();
        Map<String, PcnTexts.Saved> own = texts.currentRows(pcnId, programme).getOrDefault(lang, Map.of());
        TemplateApprovals.LanguageApproval a = approvals.approvals(programme, pcnId).stream()
                .filter(x -> x.language().equals(lang)).findFirst().orElseThrow();
        List<MessageText> messages = new ArrayList<>();
        for (String m : templates.messages(programme)) {
            String shipped = templates.shippedText(programme, m, lang);
            PcnTexts.Saved saved = own.get(m);
            messages.add(new MessageText(m, templates.purpose(programme, m), saved == null ? shipped : saved.text(),
                    saved != null, shipped, saved == null ? null : saved.savedBy(),
                    saved == null ? null : saved.savedAt()));
        }
        LanguageInfo info = templates.language(lang).orElseThrow();
        return new LanguageTexts(programme, lang, info.name(), info.rtl(), a.version(), a.state(), a.ownTexts(),
                a.approvedBy(), a.approvedAt(), sends(a, info), messages);
    }

    /** What patients of this language get now, in people's words. */
    static String sends(TemplateApprovals.LanguageApproval a, LanguageInfo info) {
        boolean english = info.code().equals(TemplateCatalogue.ENGLISH);
        return switch (a.state()) {
            case TemplateApprovals.SOURCE -> "The English texts Uptake ships are sent.";
            case TemplateApprovals.APPROVED -> a.ownTexts() ? "Your PCN's approved " + info.name() + " texts are sent."
                    : "The approved " + info.name() + " texts are sent.";
            case TemplateApprovals.INCOMPLETE -> "The " + info.name() + " texts are incomplete: patients get English.";
            default -> a.inUse() != null ? "Not approved yet: until a lead of your PCN approves this version, "
                    + "patients get " + (a.inUse().ownTexts() ? "your PCN's " + info.name() + " texts as "
                    + a.inUse().approvedBy() + " approved them."
                    : "the " + info.name() + " texts Uptake ships, approved by " + a.inUse().approvedBy()
                    + (a.inUse().forEveryPcn() ? " for every PCN." : "."))
                    : english ? "Not approved yet: the English texts Uptake ships are sent until a lead of your PCN "
                    + "approves this version."
                    : "Not approved yet: patients who read " + info.name() + " get the English text until a lead of "
                    + "your PCN approves this version.";
        };
    }
}
