package io.uptake.campaign;

import io.uptake.audit.AuditLog;
import io.uptake.importing.ImportListener;
import io.uptake.outbox.Schedule;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * When a patient, events or practice import commits, the pending texts of open campaigns to patients it marks dead (an
 * event of {@code uptake.campaign.deceased-event-types}) or registers with another PCN's practice (or whose practice
 * it moves to another PCN) are CANCELLED in the same
 * commit, with SendEligibility's reasons: the campaign page shows them stopped at once, not only when their wave
 * falls due and the claim's check stops them (hazard H-007, docs/COHORTS-AND-TEMPLATES.md, "Data that changes after
 * launch").
 */
@Singleton
class CampaignImportStops implements ImportListener {

    private static final Logger LOG = LoggerFactory.getLogger(CampaignImportStops.class);
    private final Schedule schedule;
    private final CampaignSettings settings;
    private final AuditLog audit;

    CampaignImportStops(Schedule schedule, CampaignSettings settings, AuditLog audit) {
        this.schedule = schedule;
        this.settings = settings;
        this.audit = audit;
    }

    @Override
    public void imported(String kind, CurrentUser user, Instant now) {
        if (!StopReasons.IMPORT_KINDS.contains(kind)) {
            return;
        }
        int[] cancelled = schedule.cancelForImport(settings.deceasedEventTypes(), SendEligibility.DECEASED,
                SendEligibility.NOT_REGISTERED, now);
        if (cancelled[0] + cancelled[1] > 0) {
            LOG.info("Import of {} by {} cancelled {} pending texts (patient deceased) and {} (no longer registered)",
                    kind, user.username(), cancelled[0], cancelled[1]);
            audit.record(user, "CANCEL_TEXTS", kind, "after the import: " + cancelled[0] + " pending texts cancelled,"
                    + " patient deceased; " + cancelled[1] + " no longer registered at the practice");
        }
    }
}
