package io.uptake.call;

import io.micronaut.context.annotation.ConfigurationProperties;

/** {@code uptake.calls.*}: the call list. */
@ConfigurationProperties("uptake.calls")
class CallSettings {
    /** Calls a PCN's CCCs make in one working day: tasks beyond it are due on the next working days. */
    private int perDay = 30;

    public int getPerDay() {
        return perDay;
    }

    public void setPerDay(int perDay) {
        if (perDay < 1 || perDay > 10_000) {
            throw new IllegalArgumentException("uptake.calls.per-day must be from 1 to 10000, not " + perDay);
        }
        this.perDay = perDay;
    }
}
