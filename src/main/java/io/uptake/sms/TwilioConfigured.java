package io.uptake.sms;

import io.micronaut.context.condition.Condition;
import io.micronaut.context.condition.ConditionContext;

/**
 * Real Twilio is on when TWILIO_ACCOUNT_SID is set. application.yml maps an unset variable to an empty
 * string, so a plain {@code @Requires(property = ...)} would see it as present; this checks for a value.
 */
final class TwilioConfigured implements Condition {
    static final String ACCOUNT_SID = "twilio.account-sid";

    // Raw ConditionContext: Condition.matches declares it raw, and a parameterised override would not override.
    @SuppressWarnings("rawtypes")
    @Override
    public boolean matches(ConditionContext context) {
        // With Notify texts configured too, only the Notify sender exists, and it refuses to start (one provider).
        return isConfigured(context) && !NotifyConfigured.texts(context);
    }

    static boolean isConfigured(ConditionContext<?> context) {
        return context.getProperty(ACCOUNT_SID, String.class).filter(s -> !s.isBlank()).isPresent();
    }

    /** The simulated channel's condition: neither Twilio nor Notify texts, so exactly one SmsSender exists. */
    static final class Absent implements Condition {
        @SuppressWarnings("rawtypes") // as above
        @Override
        public boolean matches(ConditionContext context) {
            return !isConfigured(context) && !NotifyConfigured.texts(context);
        }
    }
}
