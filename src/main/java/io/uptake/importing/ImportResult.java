package io.uptake.importing;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** The answer to an import: counts, and the first rejected rows (all of them in the CSV download). */
@Serdeable
public record ImportResult(long id, String kind, long received, long inserted, long updated, long unchanged,
                           long rejected, List<ImportError> errors, String rejectedCsv) {

    /** A rejected row: its line in the file (the header is line 1), the column at fault and why. */
    @Serdeable
    public record ImportError(long line, String field, String message) {
    }
}
