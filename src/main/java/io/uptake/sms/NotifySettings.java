package io.uptake.sms;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;

/**
 * {@code uptake.sms.notify.*}: GOV.UK Notify as the second provider (docs/SMS.md). Texts go through it when the API
 * key and the text template are set; letters when {@code letters} is true as well. The key and the callback token
 * come from the environment only (NOTIFY_API_KEY, UPTAKE_NOTIFY_CALLBACK_TOKEN) and are never logged.
 */
@ConfigurationProperties("uptake.sms.notify")
public class NotifySettings {
    static final String PREFIX = "uptake.sms.notify";
    static final String LIVE_BASE_URL = "https://api.notifications.service.gov.uk";

    private String apiKey;
    private String baseUrl = LIVE_BASE_URL;
    private String smsTemplateId;
    private String callbackBearerToken;
    private String inboundBearerToken;
    private boolean letters;
    private String postage = "second";
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(15);
    private Duration reconcileSlack = Duration.ofMinutes(2);
    private double maxMessagesPerSecond = 45;
    private Duration letterLease = Duration.ofMinutes(2);
    private Duration letterInterval = Duration.ofSeconds(30);

    public static boolean present(@Nullable String s) {
        return s != null && !s.isBlank();
    }

    @Nullable
    public String getApiKey() {
        return apiKey;
    }

    public void setApiKey(@Nullable String apiKey) {
        this.apiKey = apiKey;
    }

    public String getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(@Nullable String baseUrl) {
        this.baseUrl = present(baseUrl) ? baseUrl.strip() : LIVE_BASE_URL;
    }

    @Nullable
    public String getSmsTemplateId() {
        return smsTemplateId;
    }

    public void setSmsTemplateId(@Nullable String smsTemplateId) {
        this.smsTemplateId = smsTemplateId;
    }

    @Nullable
    public String getCallbackBearerToken() {
        return callbackBearerToken;
    }

    public void setCallbackBearerToken(@Nullable String callbackBearerToken) {
        this.callbackBearerToken = callbackBearerToken;
    }

    /** The bearer token set on Notify's "received text messages" callback (UPTAKE_NOTIFY_INBOUND_TOKEN). */
    @Nullable
    public String getInboundBearerToken() {
        return inboundBearerToken;
    }

    public void setInboundBearerToken(@Nullable String inboundBearerToken) {
        this.inboundBearerToken = inboundBearerToken;
    }

    /**
     * Whether an Authorization header is exactly "Bearer " and {@code token}, compared in constant time; with no
     * token configured, nothing is. Notify's callbacks carry no signature: this token is their only proof of origin.
     */
    public static boolean bearerMatches(@Nullable String token, @Nullable String authorization) {
        if (!present(token) || authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        byte[] given = authorization.substring("Bearer ".length()).strip().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.security.MessageDigest.isEqual(given, token.strip().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public boolean isLetters() {
        return letters;
    }

    public void setLetters(boolean letters) {
        this.letters = letters;
    }

    public String getPostage() {
        return postage;
    }

    public void setPostage(String postage) {
        this.postage = postage;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getReadTimeout() {
        return readTimeout;
    }

    public void setReadTimeout(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    public Duration getReconcileSlack() {
        return reconcileSlack;
    }

    public void setReconcileSlack(Duration reconcileSlack) {
        this.reconcileSlack = reconcileSlack;
    }

    /**
     * How long a batch of letters claimed for Notify is this instance's alone: after it, another instance (or this
     * one restarted after a crash) may claim them, and reconciles by reference any whose attempt may have gone. It
     * must outlast rendering and posting a batch (20 letters, a few seconds each), or two instances render the same
     * letters (never post them twice: the attempt is marked under the lease).
     */
    public Duration getLetterLease() {
        return letterLease;
    }

    public void setLetterLease(Duration letterLease) {
        if (letterLease.isNegative() || letterLease.isZero()) {
            throw new IllegalArgumentException("uptake.sms.notify.letter-lease must be positive, not " + letterLease);
        }
        this.letterLease = letterLease;
    }

    /** How often each instance posts the letters that are due (NotifyLetterJob). */
    public Duration getLetterInterval() {
        return letterInterval;
    }

    public void setLetterInterval(Duration letterInterval) {
        this.letterInterval = letterInterval;
    }

    public double getMaxMessagesPerSecond() {
        return maxMessagesPerSecond;
    }

    public void setMaxMessagesPerSecond(double maxMessagesPerSecond) {
        this.maxMessagesPerSecond = maxMessagesPerSecond;
    }
}
