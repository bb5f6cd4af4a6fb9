package io.uptake.importing;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@code POST /api/imports/practices|patients|events} with a text/csv body. CCC and ADMIN only:
 * a LEAD reads campaigns and reports but does not change the record.
 */
@Controller("/api/imports")
@ExecuteOn(TaskExecutors.BLOCKING)
class ImportController {
    private final Importer importer;
    private final RejectedRows rejectedRows;

    ImportController(Importer importer, RejectedRows rejectedRows) {
        this.importer = importer;
        this.rejectedRows = rejectedRows;
    }

    @Post(value = "/{kind}", consumes = {"text/csv", MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM})
    @Secured({Role.ADMIN_NAME, Role.CCC_NAME})
    ImportResult importCsv(String kind, @Nullable @Body InputStream body, Authentication auth) {
        if (!importer.isKind(kind)) {
            throw new HttpStatusException(HttpStatus.NOT_FOUND, "No such import: use one of " + importer.kinds());
        }
        return run(importer, kind, body == null ? InputStream.nullInputStream() : body, CurrentUser.of(auth));
    }

    /** Shared with the web page: maps the import's refusals to HTTP statuses. */
    static ImportResult run(Importer importer, String kind, InputStream body, CurrentUser user) {
        try {
            return importer.importCsv(kind, body, user);
        } catch (BadUpload e) {
            throw new HttpStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        } catch (Upload.TooLarge e) {
            throw new HttpStatusException(HttpStatus.REQUEST_ENTITY_TOO_LARGE, e.getMessage());
        } catch (IOException e) {
            throw new HttpStatusException(HttpStatus.BAD_REQUEST, "The upload could not be read: " + e.getMessage());
        }
    }

    /**
     * Every rejected row of an import, as CSV: line, field, reason, and the row as it was; streamed from the
     * database. 410 once retention has deleted them.
     */
    @Get(value = "/{id}/rejected.csv", produces = "text/csv")
    @Secured({Role.ADMIN_NAME, Role.CCC_NAME})
    HttpResponse<?> rejected(long id, Authentication auth) {
        RejectedRows.Download download = rejectedRows.download(id, CurrentUser.of(auth))
                .orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND, "No such import"));
        if (download instanceof RejectedRows.Download.Purged purged) {
            throw new HttpStatusException(HttpStatus.GONE, "The rejected rows of import " + id + " were deleted on "
                    + purged.at() + " (kept for uptake.retention.rejected-rows); the import's counts remain");
        }
        return HttpResponse.ok(new StreamedFile(((RejectedRows.Download.Rows) download).csv(), MediaType.of("text/csv"))
                .attach("import-" + id + "-rejected.csv"));
    }
}
