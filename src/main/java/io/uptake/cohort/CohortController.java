package io.uptake.cohort;

import io.micronaut.context.annotation.Value;
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
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The cohort API: who a programme would reach at a date, and why the others are left out; PCN-scoped. Counts
 * (summary, estimate) are for every role; the patients themselves for CCC and ADMIN only (docs/roles.md).
 */
@Controller("/api/cohorts")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class CohortController {
    private final Cohorts cohorts;
    private final CohortEstimator estimator;
    private final CohortCsv csv;
    private final AuditLog audit;
    private final int defaultPageSize;

    CohortController(Cohorts cohorts, CohortEstimator estimator, CohortCsv csv, AuditLog audit,
                     @Value("${uptake.cohort.page-size:50}") int defaultPageSize) {
        this.cohorts = cohorts;
        this.estimator = estimator;
        this.csv = csv;
        this.audit = audit;
        this.defaultPageSize = defaultPageSize;
    }

    @Get
    List<ProgrammeView> programmes() {
        LocalDate today = cohorts.today();
        return cohorts.programmes().stream().map(p -> new ProgrammeView(p.name(), p.title(), p.cancerSite(),
                p.conversionEventTypes(), p.defaultAttributionDays(),
                p.versionAt(today).map(RuleVersion::version).orElse(null),
                p.versionAt(today).orElse(null))).toList();
    }

    @Get("/{programme}")
    CohortSummary summary(@PathVariable String programme, @Nullable @QueryValue String asOf, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        try {
            return cohorts.summary(programme, date(asOf), user.pcnScope());
        } catch (IllegalArgumentException e) {
            throw new HttpStatusException(HttpStatus.BAD_REQUEST, e.getMessage()); // e.g. no rule version in force
        }
    }

    @Get("/{programme}/patients")
    @Secured({Role.ADMIN_NAME, Role.CCC_NAME})
    CohortPage patients(@PathVariable String programme, @Nullable @QueryValue String asOf,
                        @Nullable @QueryValue String filter, @Nullable @QueryValue Integer page,
                        @Nullable @QueryValue Integer size, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        LocalDate day = date(asOf);
        try {
            CohortPage result = cohorts.members(programme, day, user.pcnScope(), filter,
                    page == null ? 0 : page, size == null ? defaultPageSize : size);
            audit.recordForPractices(user, result.patients().stream().map(CohortMember::practiceCode).toList(),
                    "COHORT_PATIENTS_VIEWED", "cohort:" + programme,
                    "asOf=" + day + " filter=" + result.filter() + " page=" + result.page() + " rows=" + result.patients().size());
            return result;
        } catch (IllegalArgumentException e) {
            throw new HttpStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }

    /** Every candidate with their reasons, as CSV; each export is audited. */
    @Get(value = "/{programme}/patients.csv", produces = "text/csv")
    @Secured({Role.ADMIN_NAME, Role.CCC_NAME})
    HttpResponse<String> export(@PathVariable String programme, @Nullable @QueryValue String asOf,
                                Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        LocalDate day = date(asOf);
        CohortCsv.Export export;
        try {
            export = csv.export(programme, day, user);
        } catch (IllegalArgumentException e) {
            throw new HttpStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        return HttpResponse.ok(export.body()).contentType(MediaType.of("text/csv; charset=utf-8"))
                .header("Content-Disposition", "attachment; filename=\"" + export.filename() + "\"");
    }

    @Get("/{programme}/estimate")
    CohortEstimate estimate(@PathVariable String programme, @Nullable @QueryValue String asOf,
                            @Nullable @QueryValue String template, @Nullable @QueryValue String bookingLink,
                            Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        try {
            return estimator.estimate(programme, date(asOf), user.pcnScope(), template == null ? "initial" : template,
                    bookingLink);
        } catch (IllegalArgumentException e) {
            throw new HttpStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }

    private LocalDate date(@Nullable String asOf) {
        if (asOf == null || asOf.isBlank()) {
            return cohorts.today();
        }
        try {
            return LocalDate.parse(asOf.trim());
        } catch (DateTimeParseException e) {
            throw new HttpStatusException(HttpStatus.BAD_REQUEST, "asOf: a date as YYYY-MM-DD");
        }
    }

    @Serdeable
    record ProgrammeView(String name, String title, String cancerSite, List<String> conversionEventTypes,
                         int defaultAttributionDays, @Nullable String ruleVersion, @Nullable RuleVersion rule) {
    }
}
