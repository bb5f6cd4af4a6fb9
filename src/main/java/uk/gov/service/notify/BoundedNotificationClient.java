package uk.gov.service.notify;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * GOV.UK Notify's own client with two changes to how it opens connections, for Uptake (io.uptake.sms.NotifySmsSender).
 * It lives in the client's package because {@code getConnection} is package-private there.
 * <ul>
 * <li>Timeouts. The client sets none, and a plain {@link HttpURLConnection} waits forever: one stalled connection
 * would hold a send past its claim's lease.</li>
 * <li>No silent resend. {@link HttpURLConnection} sends a POST once more by itself when the connection fails after
 * the request was written and before an answer (sun.net.http.retryPost, on by default): for Notify, which has no
 * idempotency key, that is a second text. A request body in streaming mode is never resent, so a POST's body streams
 * (chunked): a lost answer then surfaces as an error, for us to reconcile by the notification's reference.</li>
 * </ul>
 */
public class BoundedNotificationClient extends NotificationClient {
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;

    public BoundedNotificationClient(String apiKey, String baseUrl, Duration connectTimeout, Duration readTimeout) {
        super(apiKey, baseUrl, null, null);
        this.connectTimeoutMillis = Math.toIntExact(connectTimeout.toMillis());
        this.readTimeoutMillis = Math.toIntExact(readTimeout.toMillis());
    }

    @Override
    HttpURLConnection getConnection(URL url) throws IOException {
        HttpURLConnection conn = super.getConnection(url);
        conn.setConnectTimeout(connectTimeoutMillis);
        conn.setReadTimeout(readTimeoutMillis);
        conn.setUseCaches(false);
        return new StreamingPost(conn);
    }

    /**
     * The client's connection, but one that will carry a body (the client calls setDoOutput(true) only for a POST,
     * before it connects) streams it, so the JDK cannot write it twice. Everything else is the connection's own.
     */
    static final class StreamingPost extends HttpURLConnection {
        private final HttpURLConnection c;

        StreamingPost(HttpURLConnection c) {
            super(c.getURL());
            this.c = c;
        }

        @Override
        public void setDoOutput(boolean doOutput) {
            c.setDoOutput(doOutput);
            if (doOutput) {
                c.setChunkedStreamingMode(0);
            }
        }

        @Override
        public boolean getDoOutput() {
            return c.getDoOutput();
        }

        @Override
        public void setRequestMethod(String method) throws ProtocolException {
            c.setRequestMethod(method);
        }

        @Override
        public String getRequestMethod() {
            return c.getRequestMethod();
        }

        @Override
        public void setRequestProperty(String key, String value) {
            c.setRequestProperty(key, value);
        }

        @Override
        public void addRequestProperty(String key, String value) {
            c.addRequestProperty(key, value);
        }

        @Override
        public String getRequestProperty(String key) {
            return c.getRequestProperty(key);
        }

        @Override
        public void connect() throws IOException {
            c.connect();
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return c.getOutputStream();
        }

        @Override
        public int getResponseCode() throws IOException {
            return c.getResponseCode();
        }

        @Override
        public String getResponseMessage() throws IOException {
            return c.getResponseMessage();
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return c.getInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return c.getErrorStream();
        }

        @Override
        public String getHeaderField(String name) {
            return c.getHeaderField(name);
        }

        @Override
        public String getHeaderField(int n) {
            return c.getHeaderField(n);
        }

        @Override
        public String getHeaderFieldKey(int n) {
            return c.getHeaderFieldKey(n);
        }

        @Override
        public Map<String, List<String>> getHeaderFields() {
            return c.getHeaderFields();
        }

        @Override
        public void setConnectTimeout(int timeout) {
            c.setConnectTimeout(timeout);
        }

        @Override
        public int getConnectTimeout() {
            return c.getConnectTimeout();
        }

        @Override
        public void setReadTimeout(int timeout) {
            c.setReadTimeout(timeout);
        }

        @Override
        public int getReadTimeout() {
            return c.getReadTimeout();
        }

        @Override
        public void disconnect() {
            c.disconnect();
        }

        @Override
        public boolean usingProxy() {
            return c.usingProxy();
        }
    }
}
