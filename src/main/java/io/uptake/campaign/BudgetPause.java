package io.uptake.campaign;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.uptake.audit.AuditLog;
import io.uptake.budget.Budgets;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Pauses the sending campaigns of a PCN whose month's spend has reached its budget, with the reason the campaign
 * page shows (issue 15). Run by housekeeping in its transaction, so between two runs the dispatcher may send a few
 * seconds more of texts (hazard H-031). A CCC's resume clears the reason; while the budget is still reached the
 * next run pauses it again.
 */
@Singleton
class BudgetPause {
    private static final Logger LOG = LoggerFactory.getLogger(BudgetPause.class);
    private final JdbcOperations jdbc;
    private final Budgets budgets;
    private final AuditLog audit;

    BudgetPause(JdbcOperations jdbc, Budgets budgets, AuditLog audit) {
        this.jdbc = jdbc;
        this.budgets = budgets;
        this.audit = audit;
    }

    void run() {
        for (long pcnId : pcnsSendingWithABudget()) {
            budgets.thisMonth(pcnId).filter(Budgets.Month::reached).ifPresent(m -> {
                List<Long> paused = jdbc.prepareStatement("""
                        UPDATE campaign c SET status = 'PAUSED', paused_reason = ? WHERE c.pcn_id = ? AND c.status = 'SENDING'
                          AND EXISTS (SELECT 1 FROM message m WHERE m.campaign_id = c.id AND m.status = 'PENDING')
                        RETURNING c.id""",
                        ps -> {
                            ps.setString(1, Budgets.pausedReason(m));
                            ps.setLong(2, pcnId);
                            List<Long> ids = new ArrayList<>();
                            try (ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    ids.add(rs.getLong(1));
                                }
                            }
                            return ids;
                        });
                // The same audit line as a CCC's pause (CampaignService.pause), by the service, with its reason.
                for (long id : paused) {
                    audit.record("system", pcnId, "CAMPAIGN_PAUSE", "campaign:" + id, "was SENDING; "
                            + Budgets.pausedReason(m));
                }
                LOG.warn("Paused {} campaigns of {}: {}", paused.size(), m.pcn(), Budgets.pausedReason(m));
            });
        }
    }

    private List<Long> pcnsSendingWithABudget() {
        return jdbc.prepareStatement("""
                SELECT DISTINCT c.pcn_id FROM campaign c JOIN pcn_budget b ON b.pcn_id = c.pcn_id
                WHERE c.status = 'SENDING'""", ps -> {
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        });
    }
}
