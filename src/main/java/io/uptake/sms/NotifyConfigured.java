package io.uptake.sms;

import io.micronaut.context.condition.Condition;
import io.micronaut.context.condition.ConditionContext;

/**
 * Whether GOV.UK Notify is on, from the raw properties (application.yml maps an unset variable to an empty string,
 * so a plain {@code @Requires(property = ...)} would see it as present; compare {@link TwilioConfigured}).
 */
final class NotifyConfigured {
    static final String API_KEY = NotifySettings.PREFIX + ".api-key";
    static final String SMS_TEMPLATE_ID = NotifySettings.PREFIX + ".sms-template-id";
    static final String LETTERS = NotifySettings.PREFIX + ".letters";

    private NotifyConfigured() {
    }

    static boolean hasKey(ConditionContext<?> context) {
        return context.getProperty(API_KEY, String.class).filter(NotifySettings::present).isPresent();
    }

    /** Texts go through Notify: the key and the text template are both set. */
    static boolean texts(ConditionContext<?> context) {
        return hasKey(context)
                && context.getProperty(SMS_TEMPLATE_ID, String.class).filter(NotifySettings::present).isPresent();
    }

    /** Any use of Notify (texts or letters): the client exists. */
    static final class Key implements Condition {
        @SuppressWarnings("rawtypes") // Condition.matches declares it raw (see TwilioConfigured)
        @Override
        public boolean matches(ConditionContext context) {
            return hasKey(context);
        }
    }

    /** The Notify text sender. Twilio set as well is refused at startup by the sender (one SMS provider). */
    static final class Texts implements Condition {
        @SuppressWarnings("rawtypes")
        @Override
        public boolean matches(ConditionContext context) {
            return texts(context);
        }
    }
}
