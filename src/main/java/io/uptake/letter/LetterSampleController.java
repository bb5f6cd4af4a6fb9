package io.uptake.letter;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.uptake.security.Role;

/**
 * GET /api/letters/sample.pdf?programme=&message=: the message's letter in every language, for a synthetic patient
 * ({@link LetterSamples}), for a CCC or LEAD to check before a wave goes (H-019). {@code X-Letter-Languages} names the
 * languages printed, in page order; {@code X-Letters-Failed-Languages} those that could not be, with why. A
 * programme or message there is none of is a 404 (LetterController's handlers, global to the letters' refusals).
 */
@Controller("/api/letters")
@Secured({Role.CCC_NAME, Role.LEAD_NAME})
@ExecuteOn(TaskExecutors.BLOCKING)
class LetterSampleController {
    private final LetterSamples samples;

    LetterSampleController(LetterSamples samples) {
        this.samples = samples;
    }

    @Get("/sample.pdf")
    HttpResponse<byte[]> sample(@QueryValue String programme, @Nullable @QueryValue String message) {
        LetterSamples.Sample s = samples.pdf(programme, message == null ? "initial" : message);
        if (s.pdf() == null) {
            throw new LetterBatch.Refused("No sample letter could be printed: " + String.join("; ", s.failed()));
        }
        return HttpResponse.ok(s.pdf()).contentType(LetterController.PDF)
                .header("Content-Disposition", "inline; filename=\"" + programme + "-sample-letters.pdf\"")
                .header("X-Letter-Languages", String.join(",", s.languages()))
                .header("X-Letters-Failed-Languages", String.join("; ", s.failed()))
                .header("Cache-Control", "no-store");
    }
}
