package io.uptake.campaign;

import jakarta.inject.Singleton;

/** For tests outside this package that drive the engine by hand: dispatch rounds until two in a row claim nothing. */
@Singleton
public class CampaignEngineForTests {
    private final Dispatcher dispatcher;

    CampaignEngineForTests(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    public void drain() throws Exception {
        for (int i = 0, idle = 0; i < 200 && idle < 2; i++) {
            idle = dispatcher.dispatchOnce("test") > 0 ? 0 : idle + 1;
        }
    }
}
