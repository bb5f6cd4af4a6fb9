package io.uptake.web;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/** Whether texts really leave the building: shown on every page so nobody mistakes a rehearsal. */
@Singleton
class SmsChannelLabel {
    private final boolean simulated;

    SmsChannelLabel(@Value("${twilio.account-sid:}") String accountSid) {
        this.simulated = accountSid == null || accountSid.isBlank();
    }

    boolean simulated() {
        return simulated;
    }
}
