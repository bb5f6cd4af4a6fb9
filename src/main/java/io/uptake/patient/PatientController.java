package io.uptake.patient;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.uptake.security.CurrentUser;

/** The patient list of the caller's PCN; a patient of another PCN is 404, as if unknown. */
@Controller("/api/patients")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class PatientController {
    static final int MAX_PAGE_SIZE = 200;
    private final PatientDirectory directory;

    PatientController(PatientDirectory directory) {
        this.directory = directory;
    }

    @Get
    PatientDirectory.PatientPage list(@Nullable @QueryValue String q, @QueryValue(defaultValue = "0") int page,
                                      @QueryValue(defaultValue = "50") int size, Authentication auth) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new HttpStatusException(HttpStatus.BAD_REQUEST, "page >= 0 and size from 1 to " + MAX_PAGE_SIZE);
        }
        return directory.search(q, page, size, CurrentUser.of(auth));
    }

    @Get("/{nhsNumber}")
    PatientDirectory.PatientRecord one(String nhsNumber, Authentication auth) {
        // Checked before any SQL: a NUL or other junk in the path is the caller's mistake (400), never a driver error.
        if (!NhsNumber.isValid(NhsNumber.normalise(nhsNumber))) {
            throw new HttpStatusException(HttpStatus.BAD_REQUEST,
                    "nhsNumber: must be 10 digits with a valid Modulus 11 check digit");
        }
        return directory.find(nhsNumber, CurrentUser.of(auth))
                .orElseThrow(() -> new HttpStatusException(HttpStatus.NOT_FOUND, "No such patient"));
    }
}
