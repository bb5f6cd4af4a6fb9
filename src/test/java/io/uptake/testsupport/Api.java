package io.uptake.testsupport;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.BlockingHttpClient;

import java.util.Map;

/** Logs in as a client would and signs requests with the bearer token. */
public final class Api {
    /** Passwords keep the policy (12+ characters, not the username, not a common one), as real users' must. */
    public static final String ADMIN_PASSWORD = "test-bootstrap-passphrase";
    /** The password of every user {@link #user} creates. */
    public static final String USER_PASSWORD = "synthetic-staff-passphrase";
    private final BlockingHttpClient http;

    public Api(BlockingHttpClient http) {
        this.http = http;
    }

    public String login(String username, String password) {
        Map<?, ?> body = http.retrieve(HttpRequest.POST("/login", Map.of("username", username, "password", password)),
                Map.class);
        return (String) body.get("access_token");
    }

    public String adminToken() {
        return login("admin", ADMIN_PASSWORD);
    }

    /** Creates a user through the API (as admin) and returns its token. */
    public String user(String username, String role, String pcn) {
        String password = USER_PASSWORD;
        http.exchange(HttpRequest.POST("/api/users",
                        Map.of("username", username, "password", password, "role", role, "pcn", pcn))
                .bearerAuth(adminToken()));
        return login(username, password);
    }

    public static <T> MutableHttpRequest<T> csv(MutableHttpRequest<T> request) {
        return request.contentType(MediaType.of("text/csv"));
    }
}
