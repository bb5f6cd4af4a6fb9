package io.uptake.optout;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.uptake.optout.OptOutLedger.Action;
import io.uptake.patient.NhsNumber;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.util.List;
import java.util.Map;

/**
 * A patient's objection to texts, or its withdrawal, made to the practice by phone or letter and recorded by a CCC
 * of the patient's PCN. Patient-level: the only way to undo a patient-level opt-out (docs/replies.md). CCCs only:
 * leads read, and a patient's objection is the care team's to take. Another PCN's patient is 404, as if unknown.
 */
@Controller("/api/patients/{nhsNumber}")
@Secured(Role.CCC_NAME)
@ExecuteOn(TaskExecutors.BLOCKING)
class OptOutController {
    static final int MAX_REASON = 500;
    private final PatientOptOuts optOuts;

    OptOutController(PatientOptOuts optOuts) {
        this.optOuts = optOuts;
    }

    @Post("/opt-out")
    Result optOut(@PathVariable String nhsNumber, @Nullable @Body Request request, Authentication auth) {
        return record(nhsNumber, Action.OPT_OUT, request, auth);
    }

    @Post("/opt-in")
    Result optIn(@PathVariable String nhsNumber, @Nullable @Body Request request, Authentication auth) {
        return record(nhsNumber, Action.OPT_IN, request, auth);
    }

    private Result record(String raw, Action action, @Nullable Request request, Authentication auth) {
        String nhsNumber = NhsNumber.normalise(raw);
        if (!NhsNumber.isValid(nhsNumber)) {
            throw new Invalid("nhsNumber", "must be 10 digits with a valid check digit (Modulus 11)");
        }
        String reason = request == null ? null : request.reason();
        if (reason != null && reason.length() > MAX_REASON) {
            throw new Invalid("reason", "at most " + MAX_REASON + " characters");
        }
        CurrentUser user = CurrentUser.of(auth);
        OptOutLedger.Status status = optOuts.patientId(nhsNumber, user)
                .flatMap(id -> optOuts.record(user, id, action, OptOutLedger.Source.CCC, reason))
                .orElseThrow(NotFound::new);
        return Result.of(nhsNumber, status);
    }

    /** @param reason optional: how the patient told us and anything the next CCC should know */
    @Serdeable
    record Request(@Nullable String reason) {
    }

    /**
     * @param note null when nothing else stands in the way; otherwise what does, in words for the CCC
     */
    @Serdeable
    record Result(String nhsNumber, boolean optedOut, boolean patientObjects, boolean mobileOptedOut,
                  @Nullable String note) {
        static Result of(String nhsNumber, OptOutLedger.Status s) {
            String note = s.mobileOptedOut()
                    ? "The mobile on the patient's record texted STOP (or the carrier blocks it): it gets no texts "
                      + "until START is texted from it."
                    : null;
            return new Result(nhsNumber, s.optedOut(), s.patientObjects(), s.mobileOptedOut(), note);
        }
    }

    @Serdeable
    record FieldError(String field, String message) {
    }

    @Serdeable
    record Problem(String message, List<FieldError> errors) {
    }

    static final class Invalid extends RuntimeException {
        final transient FieldError error;

        Invalid(String field, String message) {
            super(field + ": " + message, null, false, false);
            this.error = new FieldError(field, message);
        }
    }

    static final class NotFound extends RuntimeException {
        NotFound() {
            super("No such patient", null, false, false);
        }
    }

    @Error(exception = Invalid.class)
    HttpResponse<Problem> invalid(HttpRequest<?> request, Invalid e) {
        return HttpResponse.badRequest(new Problem("Invalid request", List.of(e.error)));
    }

    @Error(exception = NotFound.class)
    HttpResponse<Map<String, String>> notFound(HttpRequest<?> request, NotFound e) {
        return HttpResponse.notFound(Map.of("message", "No such patient"));
    }
}
