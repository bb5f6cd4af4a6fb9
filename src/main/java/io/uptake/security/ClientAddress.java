package io.uptake.security;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

/**
 * The caller's address, for the login throttle and the audit log. By default the TCP peer: Micronaut's own
 * resolver would believe any Forwarded / X-Forwarded-For header a caller sends, and a guesser could then name a
 * new address with every try. Behind a reverse proxy, set {@code UPTAKE_CLIENT_ADDRESS_HEADER} to the header the
 * proxy sets; the last address in it is the one the proxy itself saw (earlier ones come from the caller).
 */
@Singleton
public class ClientAddress {
    private final String header;

    ClientAddress(@Nullable @Value("${uptake.client-address-header:}") String header) {
        this.header = header == null || header.isBlank() ? null : header.trim();
    }

    public String of(HttpRequest<?> request) {
        if (header != null) {
            String value = request.getHeaders().get(header);
            String last = lastAddress(value);
            if (last != null) {
                return last;
            }
        }
        var remote = request.getRemoteAddress();
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    /** The last comma-separated entry, trimmed and at most 64 characters, or null when there is none. */
    static String lastAddress(@Nullable String headerValue) {
        if (headerValue == null) {
            return null;
        }
        String[] parts = headerValue.split(",", -1);
        String last = parts.length == 0 ? "" : parts[parts.length - 1].trim();
        if (last.isEmpty()) {
            return null;
        }
        return last.length() > 64 ? last.substring(0, 64) : last;
    }
}
