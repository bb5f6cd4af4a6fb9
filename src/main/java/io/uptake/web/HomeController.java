package io.uptake.web;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.transaction.annotation.Transactional;
import io.micronaut.views.ModelAndView;
import io.uptake.security.CurrentUser;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Controller
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class HomeController {
    private final JdbcOperations jdbc;

    HomeController(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    @Get
    @Secured(SecurityRule.IS_ANONYMOUS)
    HttpResponse<?> root() {
        return HttpResponse.seeOther(URI.create("/ui"));
    }

    @Get("/ui")
    @Transactional(readOnly = true)
    ModelAndView<Map<String, Object>> home(Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("practices", practices(user.pcnScope()));
        if (user.pcnScope() == null) {
            // Replies from numbers no PCN holds reach no CCC: the ADMIN is who traces them (hazard H-006).
            model.put("unmatchedOpen", unmatchedOpen());
        }
        return new ModelAndView<>("home", model);
    }

    /** Open inbox items (call requests, free text) from numbers matched to no PCN. */
    private long unmatchedOpen() {
        return jdbc.prepareStatement("SELECT count(*) FROM inbound_message WHERE pcn_id IS NULL AND inbox_status = 'OPEN'",
                ps -> {
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                });
    }

    /** Practices of the caller's PCN (all for ADMIN) with their patient and event counts. */
    private List<Map<String, Object>> practices(Long pcnId) {
        return jdbc.prepareStatement("""
                SELECT pr.code, pr.name, n.name AS pcn,
                       (SELECT count(*) FROM patient p WHERE p.practice_code = pr.code) AS patients,
                       (SELECT count(*) FROM event e JOIN patient p ON p.id = e.patient_id
                         WHERE p.practice_code = pr.code) AS events
                FROM practice pr JOIN pcn n ON n.id = pr.pcn_id
                WHERE (CAST(? AS BIGINT) IS NULL OR pr.pcn_id = ?)
                ORDER BY n.name, pr.name""", ps -> {
            ps.setObject(1, pcnId);
            ps.setObject(2, pcnId);
            try (var rs = ps.executeQuery()) {
                List<Map<String, Object>> rows = new java.util.ArrayList<>();
                while (rs.next()) {
                    rows.add(Map.of("code", rs.getString("code"), "name", rs.getString("name"),
                            "pcn", rs.getString("pcn"), "patients", rs.getLong("patients"),
                            "events", rs.getLong("events")));
                }
                return rows;
            }
        });
    }
}
