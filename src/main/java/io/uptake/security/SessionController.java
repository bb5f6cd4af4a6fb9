package io.uptake.security;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;

import java.util.OptionalLong;

/**
 * For the page script (public/session.js): how long the session has before its idle timeout (GET, which does not
 * count as activity) and "stay signed in" (POST, which does).
 */
@Controller(SessionController.PATH)
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.APPLICATION_JSON)
class SessionController {
    static final String PATH = "/ui/session";
    private final StaffSessions sessions;
    private final SessionSettings settings;

    SessionController(StaffSessions sessions, SessionSettings settings) {
        this.sessions = sessions;
        this.settings = settings;
    }

    @Get
    HttpResponse<Status> status(Authentication auth) {
        return answer(auth, false);
    }

    /** "Stay signed in": activity written down now (not only once a minute, as for other requests). */
    @Post(consumes = MediaType.ALL)
    HttpResponse<Status> staySignedIn(Authentication auth) {
        return answer(auth, true);
    }

    private HttpResponse<Status> answer(Authentication auth, boolean stay) {
        Object jti = auth.getAttributes().get("jti");
        OptionalLong left = jti == null ? OptionalLong.empty()
                : stay ? sessions.staySignedIn(jti.toString()) : sessions.idleSecondsLeft(jti.toString());
        if (left.isEmpty()) {
            return HttpResponse.unauthorized();
        }
        return HttpResponse.ok(new Status(left.getAsLong(), settings.getIdleWarning().toSeconds(),
                settings.getIdleTimeout().toSeconds()));
    }

    @Serdeable
    record Status(long idleSecondsLeft, long idleWarningSeconds, long idleTimeoutSeconds) {
    }
}
