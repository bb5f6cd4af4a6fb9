package io.uptake.template;

import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.views.ModelAndView;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Each programme's languages with their approval state; a LEAD (or an ADMIN) approves a draft here. */
@Controller("/ui/templates/approvals")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class ApprovalPageController {
    private final TemplateApprovals approvals;
    private final MessageTemplates templates;

    ApprovalPageController(TemplateApprovals approvals, MessageTemplates templates) {
        this.approvals = approvals;
        this.templates = templates;
    }

    @Get
    ModelAndView<Map<String, Object>> page(Authentication auth) {
        return page(CurrentUser.of(auth), null);
    }

    @io.micronaut.serde.annotation.Serdeable
    record ApproveForm(@io.micronaut.core.annotation.Nullable String version) {
    }

    /** Approves the version the page showed (a text saved since is refused, to be read first). */
    @Post(value = "/{programme}/{language}", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured({Role.LEAD_NAME, Role.ADMIN_NAME})
    ModelAndView<Map<String, Object>> approve(@PathVariable String programme, @PathVariable String language,
                                              @io.micronaut.core.annotation.Nullable @io.micronaut.http.annotation.Body ApproveForm form,
                                              Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        try {
            approvals.approve(programme, language, user, form == null ? null : form.version());
            return page(user, null);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return page(user, e.getMessage());
        }
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
