package io.uptake.sms;

import com.twilio.exception.ApiException;
import com.twilio.http.HttpMethod;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import io.micronaut.core.annotation.Nullable;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * twilio-java's HTTP client with every automatic resend switched off and its pool bounded.
 * <p>
 * Left alone, twilio-java 13 resends a POST by itself twice over: {@code HttpClient.reliableRequest} repeats
 * any 5xx up to 3 times, and Apache HttpClient 5's default {@code DefaultHttpRequestRetryStrategy} repeats a
 * 429 or 503 once (its response-based retry does not check whether the method is idempotent). A resent POST
 * to Messages.json is a second text, so here a request goes out exactly once and {@link SmsSender}'s caller
 * owns the retry policy.
 * <p>
 * {@code NetworkHttpClient.makeRequest} stamps the SDK's own {@code DEFAULT_REQUEST_CONFIG} (30.5 s connect)
 * on every request; an exec interceptor put first in the chain replaces it with ours.
 * <p>
 * {@code apiBaseUrl} (tests and benchmarks only) sends every request for https://api.twilio.com to
 * another base URL, e.g. a local fake Twilio.
 */
class TwilioHttpClient extends NetworkHttpClient implements AutoCloseable {
    static final String TWILIO_API = "https://api.twilio.com";
    private static final int[] NO_RETRY_CODES = new int[0];
    private final String apiBaseUrl;

    TwilioHttpClient(Duration connectTimeout, Duration readTimeout, Duration poolWaitTimeout, int maxConnections,
                     @Nullable String apiBaseUrl) {
        super(builder(connectTimeout, readTimeout, poolWaitTimeout, maxConnections));
        this.apiBaseUrl = apiBaseUrl == null || apiBaseUrl.isBlank() ? null : stripSlash(apiBaseUrl);
    }

    private static HttpClientBuilder builder(Duration connectTimeout, Duration readTimeout, Duration poolWaitTimeout,
                                             int maxConnections) {
        ConnectionConfig connection = ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(connectTimeout))
                .setSocketTimeout(Timeout.of(readTimeout))
                // A pooled connection idle this long is checked before reuse, so a connection the server
                // has closed fails before our request is written (which would make it UNKNOWN).
                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                .setTimeToLive(TimeValue.ofMinutes(5))
                .build();
        RequestConfig request = RequestConfig.custom()
                .setConnectionRequestTimeout(Timeout.of(poolWaitTimeout))
                // The connect timeout is the ConnectionConfig's (RequestConfig's is deprecated in HttpClient 5.2+).
                .setResponseTimeout(Timeout.of(readTimeout))
                .build();
        ExecChainHandler ourTimeouts = (req, scope, chain) -> {
            scope.clientContext.setRequestConfig(request);
            return chain.proceed(req, scope);
        };
        return HttpClientBuilder.create()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(maxConnections)
                        .setMaxConnPerRoute(maxConnections)
                        .setDefaultConnectionConfig(connection)
                        .build())
                .setDefaultRequestConfig(request)
                .addExecInterceptorFirst("uptake-timeouts", ourTimeouts)
                .disableAutomaticRetries()
                .evictExpiredConnections()
                .evictIdleConnections(TimeValue.ofSeconds(30));
    }

    /** Exactly one attempt: the SDK's default is up to three on any 5xx. */
    @Override
    public Response reliableRequest(Request request) {
        return reliableRequest(request, NO_RETRY_CODES, 1, 0L);
    }

    @Override
    public Response reliableRequest(Request request, int[] retryCodes, int retries, long delayMillis) {
        return super.reliableRequest(request, NO_RETRY_CODES, 1, 0L);
    }

    @Override
    protected boolean shouldRetry(Response response, int[] retryCodes) {
        return false;
    }

    @Override
    public Response makeRequest(Request request) {
        Response response = super.makeRequest(apiBaseUrl == null ? request : rebased(request));
        int status = response.getStatusCode();
        if (status < 400) {
            return response;
        }
        // An error without Twilio's JSON (a 503 from the edge, a proxy's HTML page) makes the SDK fail with
        // a NullPointerException or a parse error that has lost the status; keep the status instead.
        String content = response.getContent();
        if (content == null || !content.stripLeading().startsWith("{")) {
            throw new ApiException("Twilio answered HTTP " + status + " without an error body", status);
        }
        return new Response(content, status, response.getHeaders());
    }

    /** The same request with https://api.twilio.com replaced by the configured base URL. */
    private Request rebased(Request original) {
        String url = original.getUrl();
        if (!url.startsWith(TWILIO_API)) {
            return original;
        }
        Request copy = new Request(original.getMethod(), apiBaseUrl + url.substring(TWILIO_API.length()));
        if (original.getAuthStrategy() != null) {
            copy.setAuth(original.getAuthStrategy());
        } else if (original.getUsername() != null) {
            copy.setAuth(original.getUsername(), original.getPassword());
        }
        copyParams(original.getQueryParams(), copy::addQueryParam);
        copyParams(original.getHeaderParams(), copy::addHeaderParam);
        if (original.getMethod() != HttpMethod.GET) {
            copyParams(original.getPostParams(), copy::addPostParam);
        }
        copy.setContentType(original.getContentType());
        copy.setBody(original.getBody());
        copy.setUserAgentExtensions(original.getUserAgentExtensions());
        return copy;
    }

    private static void copyParams(Map<String, List<String>> from, java.util.function.BiConsumer<String, String> to) {
        from.forEach((name, values) -> values.forEach(v -> to.accept(name, v)));
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public void close() {
        client.close(CloseMode.GRACEFUL);
    }
}
