package io.uptake.letter;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.util.Map;

/**
 * A wave's letters as one PDF, for practices that print and post their own: names, addresses and NHS numbers,
 * so a CCC of the campaign's PCN only (docs/roles.md), and audited.
 */
@Controller("/api/campaigns")
@Secured(Role.CCC_NAME)
@ExecuteOn(TaskExecutors.BLOCKING)
class LetterController {
    static final MediaType PDF = MediaType.of("application/pdf");
    private final LetterBatch batch;

    LetterController(LetterBatch batch) {
        this.batch = batch;
    }

    @Get("/{id}/letters.pdf")
    HttpResponse<byte[]> letters(long id, @Nullable @QueryValue Integer wave, Authentication auth) {
        int w = wave == null ? 1 : wave;
        if (w < 1 || w > 20) {
            throw new LetterBatch.Refused("wave: a wave number from 1");
        }
        LetterBatch.Batch b = batch.print(id, w, CurrentUser.of(auth));
        return HttpResponse.ok(b.pdf()).contentType(PDF)
                .header("Content-Disposition", "attachment; filename=\"campaign-" + id + "-wave-" + w + "-letters.pdf\"")
                .header("X-Letters-Printed", String.valueOf(b.printed()))
                .header("X-Letters-Failed", String.valueOf(b.failed().size()))
                .header("X-Letters-Cancelled", String.valueOf(b.cancelled().size()))
                .header("Cache-Control", "no-store");
    }

    @Error(exception = LetterBatch.NotFound.class, global = true)
    HttpResponse<Map<String, String>> notFound(HttpRequest<?> request, LetterBatch.NotFound e) {
        return HttpResponse.notFound(Map.of("message", e.getMessage()));
    }

    @Error(exception = LetterBatch.Refused.class, global = true)
    HttpResponse<Map<String, String>> refused(HttpRequest<?> request, LetterBatch.Refused e) {
        return HttpResponse.<Map<String, String>>status(HttpStatus.CONFLICT).body(Map.of("message", e.getMessage()));
    }
}
