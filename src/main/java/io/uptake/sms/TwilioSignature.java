package io.uptake.sms;

import com.twilio.security.RequestValidator;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * Checks (and, for the simulated channel, makes) the X-Twilio-Signature of our webhooks. Twilio signs
 * the public URL it called, so validation uses the configured public base URL, not the URL the
 * request arrived at (they differ behind a proxy).
 */
@Singleton
public class TwilioSignature {
    public static final String HEADER = "X-Twilio-Signature";
    private final String publicUrl;
    private final RequestValidator validator;
    private final String authToken;

    public TwilioSignature(@Value("${uptake.public-url}") String publicUrl,
                           @Value("${twilio.auth-token:}") String authToken) {
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        // Without Twilio credentials the simulated channel signs with a key of this process only.
        this.authToken = authToken == null || authToken.isBlank() ? randomKey() : authToken;
        this.validator = new RequestValidator(this.authToken);
    }

    /** The absolute URL Twilio is told to call for {@code path} (e.g. /webhooks/twilio/status?m=12). */
    public String publicUrl(String pathAndQuery) {
        return publicUrl + pathAndQuery;
    }

    public boolean isValid(HttpRequest<?> request, Map<String, String> formParameters) {
        String signature = request.getHeaders().get(HEADER);
        if (signature == null) {
            return false;
        }
        String query = request.getUri().getRawQuery();
        String url = publicUrl(request.getPath() + (query == null ? "" : "?" + query));
        return validator.validate(url, formParameters, signature);
    }

    /** Signs as Twilio would; used by the simulated channel so that it goes through the same checks. */
    public String sign(String pathAndQuery, Map<String, String> formParameters) {
        return SignatureMaker.sign(authToken, publicUrl(pathAndQuery), formParameters);
    }

    private static String randomKey() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
