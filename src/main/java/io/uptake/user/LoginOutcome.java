package io.uptake.user;

/** What a login attempt came to: a new session, a refusal, or a wait imposed by the throttle. */
public sealed interface LoginOutcome {

    /** Logged in; {@code passwordChangeRequired} when an admin reset the password and the user must choose one. */
    record Success(String accessToken, long expiresInSeconds, String username, String role,
                   boolean passwordChangeRequired) implements LoginOutcome {
    }

    /** Wrong username or password, or a disabled account: the caller is told no more than that. */
    record Refused() implements LoginOutcome {
        public static final String MESSAGE = "Wrong username or password.";
    }

    /** Too many failures from this caller: try again after {@code seconds}. */
    record Throttled(long seconds) implements LoginOutcome {
        public String message() {
            return "Too many failed logins: try again in " + seconds + (seconds == 1 ? " second." : " seconds.");
        }
    }
}
