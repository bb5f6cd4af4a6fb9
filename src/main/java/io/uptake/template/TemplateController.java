package io.uptake.template;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.HttpResponse;
import io.uptake.security.Role;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.uptake.audit.AuditLog;
import io.uptake.patient.NhsNumber;
import io.uptake.security.CurrentUser;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Templates, languages and keywords, and a preview of any message in any language for a sample or real patient. */
@Controller("/api/templates")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class TemplateController {
    private final TemplatePreviews previews;
    private final MessageTemplates templates;
    private final TemplateApprovals approvals;
    private final OwnTextViews views;
    private final PcnTexts texts;

    TemplateController(TemplatePreviews previews, MessageTemplates templates, TemplateApprovals approvals,
                       OwnTextViews views, PcnTexts texts) {
        this.previews = previews;
        this.templates = templates;
        this.approvals = approvals;
        this.views = views;
        this.texts = texts;
    }

    /**
     * The current texts of a programme in a language for the caller's PCN (its own where it has written them, the
     * shipped ones otherwise), with the version they make and its state.
     */
    @Get("/{programme}/{language}")
    @Secured({Role.LEAD_NAME, Role.CCC_NAME})
    OwnTextViews.LanguageTexts texts(@PathVariable String programme, @PathVariable String language,
                                     Authentication auth) {
        String[] known = views.known(programme, language)
                .orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND, "No such texts"));
        return views.view(known[0], known[1], CurrentUser.of(auth));
    }

    @Serdeable
    record SaveText(@Nullable String message, @Nullable String text) {
    }

    @Serdeable
    record FieldError(String field, String reason) {
    }

    @Serdeable
    record Problem(String message, List<FieldError> errors) {
    }

    /**
     * Saves the caller's PCN's own text of one message: a new version of the language, a draft until a LEAD of the
     * PCN approves it. 400 names the field and the reason (the checks the editor shows).
     */
    @Put("/{programme}/{language}")
    @Secured(Role.CCC_NAME)
    HttpResponse<?> save(@PathVariable String programme, @PathVariable String language, @Nullable @Body SaveText body,
                         Authentication auth) {
        String[] known = views.known(programme, language)
                .orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND, "No such texts"));
        String message = body == null ? null : body.message();
        if (message == null || !templates.messages(known[0]).contains(message)) {
            return HttpResponse.badRequest(new Problem("Invalid text", List.of(new FieldError("message",
                    "must be one of " + String.join(", ", templates.messages(known[0])) + "."))));
        }
        CurrentUser user = CurrentUser.of(auth);
        try {
            texts.save(user, known[0], known[1], message, body.text());
        } catch (PcnTexts.Refused e) {
            return HttpResponse.badRequest(new Problem("Invalid text",
                    e.check().problems().stream().map(p -> new FieldError("text", p)).toList()));
        }
        return HttpResponse.ok(views.view(known[0], known[1], user));
    }

    /** Each programme's languages with their approval state for the caller's PCN (an ADMIN: for every PCN). */
    @Get("/approvals")
    List<ProgrammeApprovals> approvals(Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        return templates.programmes().stream()
                .map(p -> new ProgrammeApprovals(p, approvals.approvals(p, user.pcnScope()))).toList();
    }

    /** Approves the current version of a language's texts: a LEAD for their PCN, an ADMIN for every PCN. */
    @Post("/{programme}/{language}/approve")
    @Secured({Role.LEAD_NAME, Role.ADMIN_NAME})
    TemplateApprovals.LanguageApproval approve(@PathVariable String programme, @PathVariable String language,
                                               @Nullable @QueryValue String version, Authentication auth) {
        try {
            return approvals.approve(programme, language, CurrentUser.of(auth), version);
        } catch (IllegalArgumentException e) {
            throw new HttpStatusException(HttpStatus.NOT_FOUND, e.getMessage());
        } catch (IllegalStateException e) {
            throw new HttpStatusException(HttpStatus.CONFLICT, e.getMessage());
        }
    }

    @Serdeable
    record ProgrammeApprovals(String programme, List<TemplateApprovals.LanguageApproval> languages) {
    }

    @Get
    Catalogue list() {
        List<SetView> sets = new java.util.ArrayList<>();
        for (String programme : previews.sets()) {
            sets.add(new SetView(programme, previews.messages(programme).stream()
                    .map(m -> new MessageView(m, templates.purpose(programme, m))).toList(),
                    previews.completeLanguages(programme)));
        }
        return new Catalogue(sets, templates.languages().stream().map(l -> new LanguageView(l.code(), l.name(),
                l.nativeName(), l.direction(), l.reviewStatus(), l.draft())).toList(),
                templates.pricePerSegment(), templates.currency(), templates.maxSegments(), templates.problems());
    }

    @Get("/keywords")
    Map<String, Keywords> keywords() {
        return templates.allKeywords();
    }

    /** {@code programme} may also be "replies" for the shared replies. */
    @Get("/{programme}/{message}/preview")
    Preview preview(@PathVariable String programme, @PathVariable String message, @Nullable @QueryValue String lang,
                    @Nullable @QueryValue String patient, @Nullable @QueryValue String bookingLink,
                    Authentication auth) {
        RenderedMessage m = previews.render(programme, message, lang, patient, bookingLink, CurrentUser.of(auth));
        return new Preview(m.lang(), m.requestedLang(), m.text(), m.encoding(), m.characters(), m.segments(), m.cost(),
                m.currency(), m.draft(), m.rtl());
    }

    @Serdeable
    record Preview(String lang, String requestedLang, String text, String encoding, int characters, int segments,
                   BigDecimal cost, String currency, boolean draft, boolean rtl) {
    }

    @Serdeable
    record MessageView(String message, String purpose) {
    }

    @Serdeable
    record SetView(String programme, List<MessageView> messages, List<String> completeLanguages) {
    }

    @Serdeable
    record LanguageView(String code, String name, String nativeName, String direction, String reviewStatus,
                        boolean draft) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Catalogue(List<SetView> sets, List<LanguageView> languages, BigDecimal pricePerSegment, String currency,
                     int maxSegments, List<String> problems) {
    }
}
