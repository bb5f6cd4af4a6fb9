package io.uptake.template;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.exceptions.HttpStatusException;
import io.uptake.audit.AuditLog;
import io.uptake.patient.NhsNumber;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/** Renders previews for the API and the page: a sample patient, or a real one of the caller's PCN. */
@Singleton
class TemplatePreviews {
    static final String REPLIES = TemplateCatalogue.REPLIES;
    private final MessageTemplates templates;
    private final SamplePatients patients;
    private final AuditLog audit;
    private final PcnTexts pcnTexts;

    TemplatePreviews(MessageTemplates templates, SamplePatients patients, AuditLog audit, PcnTexts pcnTexts) {
        this.templates = templates;
        this.patients = patients;
        this.audit = audit;
        this.pcnTexts = pcnTexts;
    }

    /** The programmes, then "replies". */
    List<String> sets() {
        List<String> sets = new ArrayList<>(templates.programmes());
        sets.add(REPLIES);
        return sets;
    }

    List<String> messages(String set) {
        return set.equals(REPLIES) ? java.util.Arrays.stream(Reply.values()).map(Reply::key).toList()
                : templates.messages(set);
    }

    List<String> completeLanguages(String set) {
        return templates.completeLanguages(set);
    }

    /**
     * @param lang the language to render in; without it, the patient's own (or English)
     * @throws HttpStatusException 404 for an unknown set, message or patient (another PCN's patient included);
     *                              403 for a real patient asked for by a LEAD
     */
    RenderedMessage render(String set, String message, @Nullable String lang, @Nullable String nhsNumber,
                           @Nullable String bookingLink, CurrentUser user) {
        return render(set, message, lang, nhsNumber, bookingLink, user, true);
    }

    private RenderedMessage render(String set, String message, @Nullable String lang, @Nullable String nhsNumber,
                                   @Nullable String bookingLink, CurrentUser user, boolean audited) {
        if (!sets().contains(set)) {
            throw new HttpStatusException(HttpStatus.NOT_FOUND, "No template set '" + set + "'. Sets: " + sets());
        }
        if (!messages(set).contains(message)) {
            throw new HttpStatusException(HttpStatus.NOT_FOUND, "No message '" + message + "' in " + set
                    + ". Messages: " + messages(set));
        }
        Placeholders values = Placeholders.sample();
        String language = lang;
        if (nhsNumber != null && !nhsNumber.isBlank()) {
            if (!user.worksWithPatients()) {
                // A real patient's preview shows their name and practice: a patient look-up, not a LEAD's.
                throw new HttpStatusException(HttpStatus.FORBIDDEN, "A LEAD previews texts with sample values only");
            }
            String digits = NhsNumber.normalise(nhsNumber);
            SamplePatients.Sample sample = patients.find(digits, user.pcnScope())
                    .orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND, "No such patient"));
            values = sample.placeholders();
            if (language == null || language.isBlank()) {
                language = sample.language();
            }
            if (audited) {
                audit.recordFor(user, sample.pcnId(), "TEMPLATE_PREVIEWED", "patient:" + NhsNumber.mask(digits),
                        set + "." + message);
            }
        }
        if (bookingLink != null && !bookingLink.isBlank()) {
            values = new Placeholders(values.givenName(), values.practiceName(), values.practicePhone(), bookingLink);
        }
        if (set.equals(REPLIES)) {
            Reply reply = java.util.Arrays.stream(Reply.values()).filter(r -> r.key().equals(message)).findFirst()
                    .orElseThrow();
            return templates.renderReply(reply, language, values);
        }
        // A PCN's staff read their PCN's current texts, approved or not: what a LEAD approves is what they read.
        OwnTexts own = user.pcnId() == null ? OwnTexts.NONE : pcnTexts.current(user.pcnId(), set);
        return templates.render(set, message, language, values, own);
    }

    /** The same message in every language, side by side. */
    List<RenderedMessage> everyLanguage(String set, String message, @Nullable String nhsNumber,
                                        @Nullable String bookingLink, CurrentUser user) {
        List<RenderedMessage> out = new ArrayList<>();
        boolean first = true;
        for (LanguageInfo l : templates.languages()) {
            out.add(render(set, message, l.code(), nhsNumber, bookingLink, user, first));
            first = false;
        }
        return out;
    }
}
