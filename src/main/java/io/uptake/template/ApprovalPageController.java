package io.uptake.template;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.views.ModelAndView;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each programme's languages with their approval state; a LEAD (or an ADMIN) opens a draft language, reads its texts
 * as they would be sent, confirms the checks and approves it.
 */
@Controller("/ui/templates/approvals")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class ApprovalPageController {
    private final TemplateApprovals approvals;
    private final MessageTemplates templates;
    private final PcnTexts pcnTexts;

    ApprovalPageController(TemplateApprovals approvals, MessageTemplates templates, PcnTexts pcnTexts) {
        this.approvals = approvals;
        this.templates = templates;
        this.pcnTexts = pcnTexts;
    }

    @Get
    ModelAndView<Map<String, Object>> page(@Nullable @QueryValue String programme, @Nullable @QueryValue String approved,
                                           Authentication auth) {
        ModelAndView<Map<String, Object>> page = page(CurrentUser.of(auth), null);
        // After an approval: which language of which programme, in names (the page model's people formats).
        if (programme != null && approved != null && templates.programmes().contains(programme)) {
            templates.language(approved).ifPresent(l -> page.getModel().ifPresent(m -> {
                m.put("approvedProgramme", programme);
                m.put("approvedLanguage", l.name());
            }));
        }
        return page;
    }

    /**
     * The checks a LEAD confirms before approving (hazard H-026: what a text says has no control but the LEAD's
     * reading, so the page asks for that reading in so many words). {@code fluent} only for a translation.
     */
    static final Map<String, String> CHECKS = Map.of(
            "read", "Confirm that you have read every text, in full",
            "content", "Confirm that no text gives a result, a diagnosis or advice about symptoms",
            "details", "Confirm that the practice, how to book, how to call back and how to stop texts are right",
            "fluent", "Confirm that someone fluent in the language has read the texts against the English");

    @io.micronaut.serde.annotation.Serdeable
    record ApproveForm(@Nullable String version, @Nullable String read, @Nullable String content,
                       @Nullable String details, @Nullable String fluent) {
    }

    /** One language's texts as they would be sent, with the checks to confirm and the button to approve them. */
    @Get("/{programme}/{language}")
    @Secured({Role.LEAD_NAME, Role.ADMIN_NAME})
    ModelAndView<Map<String, Object>> language(@PathVariable String programme, @PathVariable String language,
                                               Authentication auth) {
        return languagePage(CurrentUser.of(auth), programme, language, null, List.of(), List.of());
    }

    /**
     * Approves the version the page showed, once every check is confirmed (a text saved since is refused, to be
     * read first); then the approvals list, saying what was approved.
     */
    @Post(value = "/{programme}/{language}", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured({Role.LEAD_NAME, Role.ADMIN_NAME})
    HttpResponse<?> approve(@PathVariable String programme, @PathVariable String language,
                            @Nullable @Body ApproveForm form, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        ApproveForm f = form == null ? new ApproveForm(null, null, null, null, null) : form;
        List<String> missing = new ArrayList<>();
        List<String> ticked = new ArrayList<>();
        for (String check : checksFor(language)) {
            String value = switch (check) {
                case "read" -> f.read();
                case "content" -> f.content();
                case "details" -> f.details();
                default -> f.fluent();
            };
            if (value == null || value.isBlank()) {
                missing.add(check);
            } else {
                ticked.add(check);
            }
        }
        if (!missing.isEmpty()) {
            return HttpResponse.ok(languagePage(user, programme, language, null, missing, ticked));
        }
        try {
            TemplateApprovals.LanguageApproval a = approvals.approve(programme, language, user, f.version());
            return HttpResponse.ok().header("HX-Redirect", "/ui/templates/approvals?programme="
                    + java.net.URLEncoder.encode(programme, java.nio.charset.StandardCharsets.UTF_8) + "&approved="
                    + java.net.URLEncoder.encode(a.language(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | IllegalStateException e) {
            return HttpResponse.ok(languagePage(user, programme, language, e.getMessage(), List.of(), List.of()));
        }
    }

    private static List<String> checksFor(String language) {
        return TemplateCatalogue.ENGLISH.equals(language) ? List.of("read", "content", "details")
                : List.of("read", "content", "details", "fluent");
    }

    private ModelAndView<Map<String, Object>> languagePage(CurrentUser user, String programme, String language,
                                                           @Nullable String error, List<String> missing,
                                                           List<String> ticked) {
        if (!templates.programmes().contains(programme)) {
            throw new HttpStatusException(HttpStatus.NOT_FOUND, "There is no programme called '" + programme + "'.");
        }
        TemplateApprovals.LanguageApproval a = approvals.approvals(programme, user.pcnScope()).stream()
                .filter(x -> x.language().equals(language)).findFirst()
                .orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND, "There is no language '" + language + "'."));
        OwnTexts own = user.pcnScope() == null ? OwnTexts.NONE : pcnTexts.current(user.pcnScope(), programme).only(language);
        List<Map<String, Object>> messages = new ArrayList<>();
        for (String m : templates.messages(programme)) {
            RenderedMessage r = templates.render(programme, m, language, Placeholders.sample(), own);
            messages.add(Map.of("message", m, "purpose", templates.purpose(programme, m), "text", r.text(),
                    "segments", r.segments(), "own", own.text(language, m) != null));
        }
        Map<String, Object> model = new HashMap<>();
        model.put("programme", programme);
        model.put("approval", a);
        model.put("sends", OwnTextViews.sends(a, templates.language(language).orElseThrow()));
        model.put("messages", messages);
        model.put("rtl", templates.language(language).map(LanguageInfo::rtl).orElse(false));
        List<Map<String, Object>> checks = new ArrayList<>();
        for (String c : checksFor(language)) {
            checks.add(Map.of("name", c, "label", label(c, a.name()), "error", missing.contains(c) ? CHECKS.get(c) : "",
                    "ticked", ticked.contains(c))); // a refused approval keeps what was ticked
        }
        model.put("checks", checks);
        model.put("problems", missing.stream().map(c -> Map.of("anchor", "check-" + c, "message", CHECKS.get(c))).toList());
        model.put("error", error);
        model.put("canApprove", !TemplateApprovals.SOURCE.equals(a.state()) && !TemplateApprovals.INCOMPLETE.equals(a.state())
                && !TemplateApprovals.APPROVED.equals(a.state()));
        return new ModelAndView<>("approve-language", model);
    }

    private static String label(String check, String languageName) {
        return switch (check) {
            case "read" -> "I have read every text above, in full";
            case "content" -> "No text gives a result, a diagnosis or advice about symptoms";
            case "details" -> "The practice, how to book, how to call back and how to stop texts are right";
            default -> "Someone fluent in " + languageName + " has read these texts against the English";
        };
    }

    private ModelAndView<Map<String, Object>> page(CurrentUser user, String error) {
        List<TemplateController.ProgrammeApprovals> programmes = templates.programmes().stream()
                .map(p -> new TemplateController.ProgrammeApprovals(p, approvals.approvals(p, user.pcnScope()))).toList();
        Map<String, Object> model = new HashMap<>();
        model.put("programmes", programmes);
        model.put("canApprove", user.role() == Role.LEAD || user.role() == Role.ADMIN);
        model.put("error", error);
        return new ModelAndView<>("approvals", model);
    }
}
