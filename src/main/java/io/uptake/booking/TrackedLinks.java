package io.uptake.booking;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of tracked booking links, as pure functions: which booking URLs a campaign may carry, what a token is,
 * and the short link a patient's text holds ({@code UPTAKE_PUBLIC_URL/b/{token}}).
 */
public final class TrackedLinks {
    /** 96 random bits: guessing one live token among millions stays hopeless (and the route is rate-limited). */
    public static final int TOKEN_BYTES = 12;
    /** Base64url of 12 bytes, without padding. */
    public static final int TOKEN_LENGTH = 16;
    static final int MAX_URL_LENGTH = 500;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{" + TOKEN_LENGTH + "}");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private TrackedLinks() {
    }

    /** Why {@code url} cannot be a campaign's booking link, in a CCC's words; empty when it can. */
    public static Optional<String> bookingUrlProblem(String url) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String u = url.strip();
        if (u.length() > MAX_URL_LENGTH) {
            return Optional.of("must be at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            return Optional.of("is not a web address: copy it from the booking page's address bar");
        }
        if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).equals("https")) {
            return Optional.of("must start with https:// (a secure booking page)");
        }
        if (uri.getHost() == null || !uri.getHost().contains(".") || uri.getUserInfo() != null) {
            return Optional.of("must be a web address like https://www.example-practice.nhs.uk/book");
        }
        return Optional.empty();
    }

    /** A new token: {@link #TOKEN_BYTES} bytes from {@code random}, base64url. */
    public static String newToken(SecureRandom random) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /** Whether {@code token} has a token's shape (a cheap check before the database is asked). */
    public static boolean wellFormed(String token) {
        return token != null && TOKEN.matcher(token).matches();
    }

    /** The link in a patient's text. */
    public static String shortLink(String publicUrl, String token) {
        String base = publicUrl.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + "/b/" + token;
    }

    /** A link as long as every real one, for previews and estimates: segments and cost count its length. */
    public static String sampleLink(String publicUrl) {
        return shortLink(publicUrl, "x".repeat(TOKEN_LENGTH));
    }
}
