package io.uptake.template;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
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

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Every language side by side for one message, with encoding, segments, cost and review status. */
@Controller("/ui/templates")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class TemplatePageController {
    private final TemplatePreviews previews;
    private final MessageTemplates templates;
    private final TemplateApprovals approvals;

    TemplatePageController(TemplatePreviews previews, MessageTemplates templates, TemplateApprovals approvals) {
        this.previews = previews;
        this.templates = templates;
        this.approvals = approvals;
    }

    @Get
    ModelAndView<Map<String, Object>> page(@Nullable @QueryValue String programme, @Nullable @QueryValue String message,
                                           @Nullable @QueryValue String patient,
                                           @Nullable @QueryValue String bookingLink, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        String forPatient = user.worksWithPatients() ? patient : null; // a LEAD's form has no patient field
        List<String> sets = previews.sets();
        String set = programme != null && sets.contains(programme) ? programme : sets.get(0);
        List<String> messages = previews.messages(set);
        String chosen = message != null && messages.contains(message) ? message : messages.get(0);
        Map<String, Object> model = new HashMap<>();
        model.put("sets", sets);
        model.put("programme", set);
        model.put("messages", messages);
        model.put("message", chosen);
        model.put("purpose", templates.purpose(set, chosen));
        model.put("patient", forPatient == null ? "" : forPatient);
        model.put("bookingLink", bookingLink == null ? "" : bookingLink);
        model.put("languages", templates.languages());
        model.put("problems", templates.problems());
        model.put("maxSegments", templates.maxSegments());
        // Languages in which the PCN has its own texts of this programme, with what is sent meanwhile.
        Map<String, String> own = new HashMap<>();
        if (user.pcnId() != null && !set.equals(TemplatePreviews.REPLIES)) {
            for (TemplateApprovals.LanguageApproval a : approvals.approvals(set, user.pcnId())) {
                if (a.ownTexts()) {
                    own.put(a.language(), OwnTextViews.sends(a, templates.language(a.language()).orElseThrow()));
                }
            }
        }
        model.put("own", own);
        model.put("canEdit", user.role() == io.uptake.security.Role.CCC && !set.equals(TemplatePreviews.REPLIES));
        try {
            model.put("previews", previews.everyLanguage(set, chosen, forPatient, bookingLink, user));
        } catch (HttpStatusException e) {
            model.put("error", "No patient with that NHS number in your PCN.");
            model.put("previews", previews.everyLanguage(set, chosen, null, bookingLink, user));
        }
        return new ModelAndView<>("templates", model);
    }
}
