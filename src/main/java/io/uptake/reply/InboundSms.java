package io.uptake.reply;

import io.micronaut.core.annotation.Nullable;

import java.util.Map;

/** The Twilio parameters we use from an inbound message webhook; any others are accepted and ignored. */
record InboundSms(String messageSid, String from, String to, String body, @Nullable Integer segments,
                  @Nullable String optOutType) {

    /** @throws IllegalArgumentException when Twilio's required parameters are missing */
    static InboundSms fromTwilio(Map<String, String> form) {
        String sid = first(form, "MessageSid", "SmsMessageSid");
        String from = first(form, "From");
        if (sid == null || from == null) {
            throw new IllegalArgumentException("MessageSid and From are required");
        }
        String to = first(form, "To");
        String body = form.get("Body");
        return new InboundSms(sid, from, to == null ? "" : to, body == null ? "" : body,
                segments(form.get("NumSegments")), first(form, "OptOutType"));
    }

    private static Integer segments(String value) {
        try {
            return value == null ? null : Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String first(Map<String, String> form, String... names) {
        for (String name : names) {
            String v = form.get(name);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
