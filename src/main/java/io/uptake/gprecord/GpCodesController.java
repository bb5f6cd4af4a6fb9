package io.uptake.gprecord;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.uptake.export.SpreadsheetCsv;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A practice's coded entries for a campaign, for its batch-coding tools (CSV) or a FHIR-capable system (a FHIR R4
 * Bundle of Communications). NHS numbers leave the service, so a CCC of the campaign's PCN only, and audited.
 * {@code entries=new} leaves out what the practice downloaded before; {@code unverified=include} adds entries
 * whose code the code list's sources could not confirm (left out by default, H-021).
 */
@Controller("/api/campaigns/{id}")
@Secured(Role.CCC_NAME)
@ExecuteOn(TaskExecutors.BLOCKING)
class GpCodesController {
    static final MediaType CSV = MediaType.of("text/csv;charset=utf-8");
    static final MediaType FHIR_JSON = MediaType.of("application/fhir+json;charset=utf-8");
    private final GpCodeExports exports;
    private final GpCodesFhir fhir;

    GpCodesController(GpCodeExports exports, GpCodesFhir fhir) {
        this.exports = exports;
        this.fhir = fhir;
    }

    @Get("/gp-codes.csv")
    HttpResponse<String> csv(long id, @Nullable @QueryValue String practice, @Nullable @QueryValue String entries,
                             @Nullable @QueryValue String unverified, Authentication auth) {
        GpCodeExports.Export e = exports.export(request(id, practice, entries, unverified), GpCodeExports.Format.CSV,
                CurrentUser.of(auth));
        StringWriter out = new StringWriter();
        try (CSVPrinter csv = SpreadsheetCsv.printer(out, "nhs_number", "date", "snomed_code", "term", "practice_code")) {
            for (CodedEntry c : e.entries()) {
                csv.printRecord(c.nhsNumber(), c.date(), c.snomedCode(), SpreadsheetCsv.text(c.term()), c.practiceCode());
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return download(out.toString(), CSV, e, "csv");
    }

    @Get("/gp-codes.fhir.json")
    HttpResponse<String> fhir(long id, @Nullable @QueryValue String practice, @Nullable @QueryValue String entries,
                              @Nullable @QueryValue String unverified, Authentication auth) {
        GpCodeExports.Export e = exports.export(request(id, practice, entries, unverified), GpCodeExports.Format.FHIR,
                CurrentUser.of(auth));
        return download(fhir.json(e), FHIR_JSON, e, "fhir.json");
    }

    private static HttpResponse<String> download(String body, MediaType type, GpCodeExports.Export e, String ext) {
        return HttpResponse.ok(body).contentType(type)
                .header("Content-Disposition", "attachment; filename=\"campaign-" + e.campaign().id() + "-"
                        + e.practiceCode() + "-gp-codes." + ext + "\"")
                .header("X-Entries", String.valueOf(e.entries().size()))
                .header("Cache-Control", "no-store");
    }

    static GpCodeExports.Request request(long id, @Nullable String practice, @Nullable String entries,
                                         @Nullable String unverified) {
        boolean onlyNew = switch (entries == null ? "all" : entries) {
            case "all" -> false;
            case "new" -> true;
            default -> throw new GpCodeExports.Refused("entries", "entries: 'all' or 'new' (only those not downloaded before)");
        };
        boolean includeUnverified = switch (unverified == null ? "exclude" : unverified) {
            case "exclude" -> false;
            case "include" -> true;
            default -> throw new GpCodeExports.Refused("unverified", "unverified: 'exclude' or 'include'");
        };
        return new GpCodeExports.Request(id, practice, onlyNew, includeUnverified);
    }

    @Error(exception = GpCodeExports.Refused.class)
    HttpResponse<Map<String, String>> refused(HttpRequest<?> request, GpCodeExports.Refused e) {
        return HttpResponse.badRequest(Map.of("message", e.getMessage(), "field", e.field));
    }

    @Error(exception = GpCodeExports.NotFound.class)
    HttpResponse<Map<String, String>> notFound(HttpRequest<?> request, GpCodeExports.NotFound e) {
        return HttpResponse.notFound(Map.of("message", e.getMessage()));
    }
}
