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
import io.uptake.importing.ImportAges;
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
    private final java.time.Clock clock;
    /** Stale imports: cohorts built on them may text people who died or moved (hazard H-007). */
    private final ImportAges importAges;

    HomeController(JdbcOperations jdbc, java.time.Clock clock, ImportAges importAges) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.importAges = importAges;
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
        model.put("role", user.role().name());
        if (user.role() == io.uptake.security.Role.CCC) {
            model.put("openReplies", count("""
                    SELECT count(*) FROM inbound_message WHERE pcn_id = ? AND inbox_status = 'OPEN'""", user.pcnId()));
            model.put("openCalls", count("""
                    SELECT count(*) FROM inbound_message WHERE pcn_id = ? AND inbox_status = 'OPEN'
                    AND classification = 'CALL_REQUEST'""", user.pcnId()));
            model.put("active", campaigns(user.pcnId(), "('SCHEDULED', 'SENDING', 'PAUSED')"));
            model.put("imports", imports(user.pcnId()));
        }
        if (user.role() == io.uptake.security.Role.LEAD) {
            model.put("overview", campaigns(user.pcnId(), "('SCHEDULED', 'SENDING', 'PAUSED', 'COMPLETED', 'CANCELLED')"));
        }
        if (user.pcnScope() == null) {
            model.put("users", count("SELECT count(*) FROM app_user WHERE disabled_at IS NULL AND CAST(? AS BOOLEAN)", true));
            // Replies from numbers no PCN holds reach no CCC: the ADMIN is who traces them (hazard H-006).
            model.put("unmatchedOpen", unmatchedOpen());
        }
        return new ModelAndView<>("home", model);
    }

    private long count(String sql, Object param) {
        return jdbc.prepareStatement(sql, ps -> {
            ps.setObject(1, param);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** The PCN's campaigns in these states, newest first, with texted, sent and converted counts. */
    private List<Map<String, Object>> campaigns(long pcnId, String statuses) {
        return jdbc.prepareStatement("""
                SELECT c.id, c.name, c.status, c.start_at,
                       (SELECT count(*) FROM recipient r WHERE r.campaign_id = c.id AND r.arm = 'TEXTED') AS texted,
                       (SELECT count(*) FROM message m WHERE m.campaign_id = c.id
                         AND m.status IN ('QUEUED', 'SENT', 'DELIVERED', 'UNDELIVERED')) AS sent,
                       (SELECT count(*) FROM message m WHERE m.campaign_id = c.id
                         AND m.status IN ('PENDING', 'SENDING', 'UNKNOWN')) AS pending
                FROM campaign c WHERE c.pcn_id = ? AND c.status IN\s""" + statuses + """
                ORDER BY c.start_at DESC, c.id DESC LIMIT 20""", ps -> {
            ps.setLong(1, pcnId);
            List<Map<String, Object>> rows = new java.util.ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(Map.of("id", rs.getLong("id"), "name", rs.getString("name"), "status", rs.getString("status"),
                            "start", DAY.format(rs.getTimestamp("start_at").toInstant().atZone(clock.getZone())),
                            "texted", rs.getLong("texted"), "sent", rs.getLong("sent"), "pending", rs.getLong("pending")));
                }
            }
            return rows;
        });
    }

    private static final java.time.format.DateTimeFormatter DAY =
            java.time.format.DateTimeFormatter.ofPattern("d MMMM yyyy", java.util.Locale.UK);

    /** The PCN's latest patient and event imports, each marked stale when older than the setting or missing. */
    private List<Map<String, Object>> imports(long pcnId) {
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        for (ImportAges.Age age : importAges.latest(pcnId)) {
            rows.add(Map.of("kind", age.kind(), "stale", age.stale(),
                    "last", age.at() == null ? "never" : DAY.format(age.at().atZone(clock.getZone())),
                    "days", age.days()));
        }
        return rows;
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
