package io.uptake.web;

import io.micronaut.core.annotation.Nullable;

import java.net.URI;
import java.util.Locale;

/**
 * Whether a form post comes from our own pages, judged by its Origin header (or Referer when there is none) against
 * the Host it was sent to and the public URL. The login form is the one post without a CSRF token (there is no
 * session yet), so a cross-site page could otherwise log a victim in as the attacker.
 */
final class SameOrigin {
    private SameOrigin() {
    }

    /**
     * The rule. A request with neither header is allowed: it is not from a browser (browsers send Origin on every
     * POST), so it cannot be a forged cross-site one. {@code Origin: null} (sandboxed or privacy-stripped) is not.
     */
    static boolean allows(@Nullable String origin, @Nullable String referer, @Nullable String host,
                          @Nullable String publicUrl) {
        String source = origin != null ? origin : referer;
        if (source == null) {
            return true;
        }
        URI from = parse(source);
        if (from == null || from.getScheme() == null || from.getHost() == null) {
            return false;
        }
        String fromAuthority = authority(from.getHost(), from.getPort(), from.getScheme());
        URI publicUri = publicUrl == null ? null : parse(publicUrl);
        if (publicUri != null && publicUri.getHost() != null
                && from.getScheme().equalsIgnoreCase(publicUri.getScheme())
                && fromAuthority.equals(authority(publicUri.getHost(), publicUri.getPort(), publicUri.getScheme()))) {
            return true;
        }
        if (host == null || host.isBlank()) {
            return false;
        }
        URI hostUri = parse(from.getScheme() + "://" + host.trim());
        return hostUri != null && hostUri.getHost() != null
                && fromAuthority.equals(authority(hostUri.getHost(), hostUri.getPort(), from.getScheme()));
    }

    private static String authority(String host, int port, String scheme) {
        int effective = port != -1 ? port : "https".equalsIgnoreCase(scheme) ? 443 : 80;
        return host.toLowerCase(Locale.ROOT) + ":" + effective;
    }

    @Nullable
    private static URI parse(String value) {
        try {
            return URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
