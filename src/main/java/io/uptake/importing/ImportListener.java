package io.uptake.importing;

import io.uptake.security.CurrentUser;

import java.time.Instant;

/**
 * Told, inside an import's transaction and after its rows are applied, that data changed: the features that hold
 * work for patients (texts, letters) stop what the new data says must not go, in the same commit as the import
 * (hazard H-007). An interface here, so that importing knows nothing of campaigns: they depend on it, not it on them.
 */
public interface ImportListener {
    /** {@code kind}: {@code practices}, {@code patients} or {@code events}; a failure rolls the import back. */
    void imported(String kind, CurrentUser user, Instant now);
}
