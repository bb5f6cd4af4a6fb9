package io.uptake.gprecord;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.views.ModelAndView;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * The codes page of a campaign: for each practice, the entries ready for its GP records, how many it has
 * downloaded and when, and the codes in use with their verification. Counts only, no patient, so leads see it
 * too; the downloads themselves are a CCC's (GpCodesController).
 */
@Controller("/ui/campaigns/{id}/gp-codes")
@Secured({Role.ADMIN_NAME, Role.LEAD_NAME, Role.CCC_NAME})
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class GpCodesPageController {
    private final GpCodeExports exports;
    private final GpRecordCodes codes;

    GpCodesPageController(GpCodeExports exports, GpRecordCodes codes) {
        this.exports = exports;
        this.codes = codes;
    }

    @Get
    HttpResponse<ModelAndView<Map<String, Object>>> page(long id, Authentication auth) {
        CurrentUser user = CurrentUser.of(auth);
        var campaign = exports.campaign(id, user);
        if (campaign.isEmpty()) {
            return HttpResponse.notFound();
        }
        Map<String, Object> model = new HashMap<>();
        // Plain maps for the template: the records are this feature's own (package-private), which the view's
        // expression language cannot read.
        model.put("campaign", Map.of("id", campaign.get().id(), "name", campaign.get().name()));
        model.put("practices", exports.summary(campaign.get()).stream().map(p -> {
            Map<String, Object> row = new HashMap<>();
            row.put("practiceCode", p.practiceCode());
            row.put("practiceName", p.practiceName());
            row.put("exportable", p.exportable());
            row.put("exported", p.exported());
            row.put("notYetExported", p.notYetExported());
            row.put("unverified", p.unverified());
            row.put("noCode", p.noCode());
            row.put("lastExportAt", p.lastExportAt());
            row.put("lastExportBy", p.lastExportBy());
            row.put("lastExportFormat", p.lastExportFormat());
            return row;
        }).toList());
        model.put("codes", codes.all().stream()
                .filter(c -> c.programme().equals("*") || c.programme().equals(campaign.get().programme()))
                .sorted(Comparator.comparing((GpRecordCodes.Code c) -> c.entry().ordinal()).thenComparing(GpRecordCodes.Code::programme))
                .map(c -> {
                    Map<String, Object> row = new HashMap<>();
                    String entry = c.entry().name().replace('_', ' ').toLowerCase(java.util.Locale.ROOT);
                    row.put("entry", c.entry().name());
                    // A reply kind that codes a call-list outcome too says so: one row, both places (EntryKind).
                    String call = c.entry().alsoACall();
                    row.put("label", Character.toUpperCase(entry.charAt(0)) + entry.substring(1)
                            + (call == null ? "" : ", or " + call));
                    row.put("snomedCode", c.snomedCode());
                    row.put("term", c.term());
                    row.put("verified", c.verified());
                    return row;
                }).toList());
        model.put("codeList", codes.version());
        model.put("canDownload", user.role() == Role.CCC);
        return HttpResponse.ok(new ModelAndView<>("gp-codes", model));
    }
}
