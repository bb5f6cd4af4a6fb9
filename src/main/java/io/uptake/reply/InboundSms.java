package io.uptake.reply;

import io.micronaut.core.annotation.Nullable;

import java.util.Map;

/**
 * The Twilio parameters we use from an inbound message webhook; any others are accepted and ignored. Every
 * text is made storable ({@link InboundText}); {@code cleaned} says whether that changed anything.
 */
record InboundSms(String messageSid, String from, String to, String body, @Nullable Integer segments,
                  @Nullable String optOutType, boolean cleaned) {

    /** @throws IllegalArgumentException when Twilio's required parameters are missing */
    static InboundSms fromTwilio(Map<String, String> form) {
        String sid = messageSid(form);
        String from = first(form, "From");
        if (sid == null || from == null) {
            throw new IllegalArgumentException("MessageSid and From are required");
        }
        String to = first(form, "To");
        String body = form.get("Body");
        String optOutType = first(form, "OptOutType");
        boolean cleaned = !(InboundText.isStorable(from) && (to == null || InboundText.isStorable(to))
                && (body == null || InboundText.isStorable(body))
                && (optOutType == null || InboundText.isStorable(optOutType)));
        return new InboundSms(sid, InboundText.storable(from), to == null ? "" : InboundText.storable(to),
                body == null ? "" : InboundText.storable(body), segments(form.get("NumSegments")),
                InboundText.storable(optOutType), cleaned);
    }

    /** The delivery's MessageSid, storable; null when there is none. */
    static @Nullable String messageSid(Map<String, String> form) {
        return InboundText.storable(first(form, "MessageSid", "SmsMessageSid"));
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
