package io.uptake.report;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** Uptake reports for LEADs and CCCs of the campaign's PCN (any PCN for ADMIN); another PCN's campaign is 404. */
@Controller
@Secured({Role.LEAD_NAME, Role.CCC_NAME, Role.ADMIN_NAME})
@ExecuteOn(TaskExecutors.BLOCKING)
class ReportController {
    static final MediaType CSV = MediaType.of("text/csv; charset=utf-8");
    private final CampaignReports reports;
    private final UptakeOverviews overviews;
    private final ReportCsv csv;
    private final ReportSettings settings;
    private final AuditLog audit;

    ReportController(CampaignReports reports, UptakeOverviews overviews, ReportCsv csv, ReportSettings settings,
                     AuditLog audit) {
        this.reports = reports;
        this.overviews = overviews;
        this.csv = csv;
        this.settings = settings;
        this.audit = audit;
    }

    @Get("/api/campaigns/{id}/report")
    CampaignReport report(@PathVariable long id, @QueryValue(defaultValue = "false") boolean publication,
                          Authentication auth) {
        return reports.report(campaign(id, auth), disclosure(publication));
    }

    @Get("/api/campaigns/{id}/report/timeline")
    Timeline timeline(@PathVariable long id, Authentication auth) {
        return reports.timeline(campaign(id, auth));
    }

    @Get(value = "/api/campaigns/{id}/report.csv", produces = "text/csv")
    HttpResponse<String> reportCsv(@PathVariable long id, @QueryValue(defaultValue = "false") boolean publication,
                                   Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        CampaignReports.CampaignHeader campaign = campaign(id, auth);
        var cells = reports.cells(id);
        String body = csv.report(reports.report(campaign, cells, Disclosure.internal()),
                reports.report(campaign, cells, disclosure(publication)));
        audit.recordFor(user, campaign.pcnId(), "REPORT_EXPORTED", "campaign:" + id, publication ? "publication" : "internal");
        return attachment(body, "campaign-" + id + "-report" + (publication ? "-publication" : "") + ".csv");
    }

    /** Patient-level: the NHS numbers stay inside the PCN, with its CCCs (not its LEAD); every download is audited. */
    @Get(value = "/api/campaigns/{id}/recipients.csv", produces = "text/csv")
    @Secured({Role.CCC_NAME, Role.ADMIN_NAME})
    HttpResponse<String> recipientsCsv(@PathVariable long id, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        CampaignReports.CampaignHeader campaign = campaign(id, auth);
        ReportCsv.Export export = csv.recipients(id);
        audit.recordFor(user, campaign.pcnId(), "RECIPIENTS_EXPORTED", "campaign:" + id, "rows=" + export.rows());
        return attachment(export.csv(), "campaign-" + id + "-recipients.csv");
    }

    @Get("/api/reports/uptake")
    UptakeOverview uptake(@Nullable @QueryValue String from, @Nullable @QueryValue String to,
                          @QueryValue(defaultValue = "false") boolean publication, Authentication auth) {
        return overviews.overview(CurrentUser.of(auth), date("from", from), date("to", to), disclosure(publication));
    }

    @Get(value = "/api/reports/uptake.csv", produces = "text/csv")
    HttpResponse<String> uptakeCsv(@Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                   @QueryValue(defaultValue = "false") boolean publication, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        UptakeOverview overview = overviews.overview(user, date("from", from), date("to", to), disclosure(publication));
        audit.record(user, "UPTAKE_EXPORTED", "campaigns:" + overview.campaigns().size(),
                publication ? "publication" : "internal");
        return attachment(csv.overview(overview), "uptake" + (publication ? "-publication" : "") + ".csv");
    }

    private CampaignReports.CampaignHeader campaign(long id, Authentication auth) {
        return reports.header(id, CurrentUser.of(auth))
                .orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND, "No campaign " + id));
    }

    private Disclosure disclosure(boolean publication) {
        return publication ? Disclosure.publication(settings) : Disclosure.internal();
    }

    private static LocalDate date(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new HttpStatusException(HttpStatus.BAD_REQUEST, field + ": expected a date YYYY-MM-DD");
        }
    }

    private static HttpResponse<String> attachment(String body, String filename) {
        return HttpResponse.ok(body).contentType(CSV)
                .header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    }
}
