package io.uptake.patient;

import io.micronaut.http.annotation.Produces;
import io.micronaut.http.MediaType;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.views.ModelAndView;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.util.HashMap;
import java.util.Map;

/** The patients page: search by name or NHS number within the caller's PCN. */
@Controller("/ui/patients")
@Secured({Role.ADMIN_NAME, Role.CCC_NAME}) // patient-identifiable: not a LEAD's (docs/roles.md)
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class PatientPageController {
    private static final int PAGE_SIZE = 50;
    private final PatientDirectory directory;

    PatientPageController(PatientDirectory directory) {
        this.directory = directory;
    }

    @Get
    ModelAndView<Map<String, Object>> page(@Nullable @QueryValue String q, @QueryValue(defaultValue = "0") int page,
                                           Authentication auth) {
        PatientDirectory.PatientPage result = directory.search(q, Math.max(0, page), PAGE_SIZE, CurrentUser.of(auth));
        Map<String, Object> model = new HashMap<>();
        model.put("page", result);
        model.put("pages", Math.max(1, (result.total() + PAGE_SIZE - 1) / PAGE_SIZE));
        return new ModelAndView<>("patients", model);
    }
}
