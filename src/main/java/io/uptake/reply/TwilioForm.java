package io.uptake.reply;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A form-encoded webhook body read into its parameters the way Micronaut reads a form (UTF-8, '+' as space,
 * the first value of a repeated name), from the bytes we store. The webhook and the retry of a stored
 * delivery read it with this one function, so the retry sees exactly what the webhook saw and signed.
 */
final class TwilioForm {
    private TwilioForm() {
    }

    /** @throws IllegalArgumentException on a malformed %-escape */
    static Map<String, String> parse(byte[] body) {
        Map<String, String> form = new LinkedHashMap<>();
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return form;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.putIfAbsent(name, value);
        }
        return form;
    }
}
