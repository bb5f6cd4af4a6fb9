package io.uptake.optout;

import io.micronaut.core.annotation.Nullable;
import io.uptake.outbox.Schedule;
import jakarta.inject.Singleton;

/**
 * Stops texts already queued for someone who has just opted out, so that the next wave does not
 * reach them even before the dispatcher's own ledger check. Only PENDING rows: a row the dispatcher
 * has claimed is past our reach and its send-time check of the ledger stops it.
 */
@Singleton
public class QueuedSends {
    private final Schedule schedule;

    QueuedSends(Schedule schedule) {
        this.schedule = schedule;
    }

    /** @return how many queued texts were cancelled */
    public int cancelFor(@Nullable Long patientId, @Nullable String phone, String reason) {
        return schedule.cancelQueued(patientId, phone, reason);
    }
}
