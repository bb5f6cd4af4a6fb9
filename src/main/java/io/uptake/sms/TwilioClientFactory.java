package io.uptake.sms;

import com.twilio.http.TwilioRestClient;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * The one Twilio client of the service, built from TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN. Only the
 * injected client is used: the SDK's static {@code Twilio.init} holder (with its own unbounded executor)
 * is never touched.
 */
@Factory
@Requires(condition = TwilioConfigured.class)
class TwilioClientFactory {

    @Singleton
    @Bean(preDestroy = "close")
    TwilioHttpClient twilioHttpClient(@Value("${uptake.sms.twilio.connect-timeout:5s}") Duration connectTimeout,
                                      @Value("${uptake.sms.twilio.read-timeout:15s}") Duration readTimeout,
                                      @Value("${uptake.sms.twilio.pool-wait-timeout:5s}") Duration poolWaitTimeout,
                                      @Value("${uptake.sms.twilio.max-connections:20}") int maxConnections,
                                      @Value("${twilio.api-base-url:}") String apiBaseUrl) {
        return new TwilioHttpClient(connectTimeout, readTimeout, poolWaitTimeout, maxConnections, apiBaseUrl);
    }

    @Singleton
    TwilioRestClient twilioRestClient(@Value("${twilio.account-sid}") String accountSid,
                                      @Value("${twilio.auth-token:}") String authToken,
                                      TwilioHttpClient httpClient) {
        if (authToken == null || authToken.isBlank()) {
            throw new IllegalStateException("TWILIO_ACCOUNT_SID is set but TWILIO_AUTH_TOKEN is not");
        }
        return new TwilioRestClient.Builder(accountSid, authToken)
                .accountSid(accountSid)
                .httpClient(httpClient)
                .build();
    }
}
