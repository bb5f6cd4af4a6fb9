package io.uptake.web;

import io.uptake.sms.SmsSender;
import jakarta.inject.Singleton;

/** Whether texts really leave the building: shown on every page so nobody mistakes a rehearsal. */
@Singleton
class SmsChannelLabel {
    private final boolean simulated;

    /** Asks the active sender itself, so the banner cannot disagree with the channel in use. */
    SmsChannelLabel(SmsSender sender) {
        this.simulated = "simulated".equals(sender.channel());
    }

    boolean simulated() {
        return simulated;
    }
}
