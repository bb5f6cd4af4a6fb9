package io.uptake.retention;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code uptake.retention.*}: how long each kind of kept data stays. A period of 0 keeps it forever. The
 * defaults are a starting point (README, "Retention"): choose per your organisation's records policy.
 */
@ConfigurationProperties("uptake.retention")
class RetentionSettings {
    /** Rejected import rows: full copies of patient rows from a GP system export, kept to fix the file. */
    private Duration rejectedRows = Duration.ofDays(30);
    /** Raw inbound webhooks once processed (the understood reply stays in inbound_message). */
    private Duration rawInbound = Duration.ofDays(90);
    /** The audit log: who viewed, exported, imported or launched what. */
    private Duration auditLog = Duration.ofDays(8 * 365 + 2);
    /** Rows deleted per transaction, so that no delete holds locks for long. */
    private int batchSize = 5000;
    /** How often the cluster applies these. */
    private Duration interval = Duration.ofDays(1);

    public Duration getRejectedRows() {
        return rejectedRows;
    }

    public void setRejectedRows(Duration rejectedRows) {
        this.rejectedRows = notNegative("rejected-rows", rejectedRows);
    }

    public Duration getRawInbound() {
        return rawInbound;
    }

    public void setRawInbound(Duration rawInbound) {
        this.rawInbound = notNegative("raw-inbound", rawInbound);
    }

    public Duration getAuditLog() {
        return auditLog;
    }

    public void setAuditLog(Duration auditLog) {
        this.auditLog = notNegative("audit-log", auditLog);
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("uptake.retention.batch-size must be at least 1");
        }
        this.batchSize = batchSize;
    }

    public Duration getInterval() {
        return interval;
    }

    public void setInterval(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("uptake.retention.interval must be positive");
        }
        this.interval = interval;
    }

    private static Duration notNegative(String name, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException("uptake.retention." + name + " must not be negative (0 keeps forever)");
        }
        return value;
    }
}
