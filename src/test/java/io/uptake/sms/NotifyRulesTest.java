package io.uptake.sms;

import io.uptake.outbox.MessageStatus;
import io.uptake.sms.SmsSender.SendResult.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.gov.service.notify.NotificationClientException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

/** Notify's answers and statuses as ours: pure rules, no Micronaut context. */
class NotifyRulesTest {

    static String body(String error, String message) {
        return "Status code: 0 {\"errors\":[{\"error\":\"" + error + "\",\"message\":\"" + message
                + "\"}],\"status_code\":0}";
    }

    @ParameterizedTest(name = "{0} {1}: {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            400 | ValidationError      | phone_number Not a UK mobile number                           | PERMANENT_FAILURE
            400 | ValidationError      | phone_number Too many digits                                  | PERMANENT_FAILURE
            400 | BadRequestError      | Text messages cannot be longer than 918 characters            | PERMANENT_FAILURE
            400 | BadRequestError      | Template not found                                            | SENDER_UNAVAILABLE
            400 | ValidationError      | template_id is not a valid UUID                               | SENDER_UNAVAILABLE
            400 | BadRequestError      | Can't send to this recipient using a team-only API key        | SENDER_UNAVAILABLE
            400 | BadRequestError      | Can't send to this recipient when service is in trial mode    | SENDER_UNAVAILABLE
            400 | BadRequestError      | Missing personalisation: body                                 | SENDER_UNAVAILABLE
            403 | AuthError            | Invalid token: API key not found                              | SENDER_UNAVAILABLE
            403 | AuthError            | Error: Your system clock must be accurate to within 30 seconds | SENDER_UNAVAILABLE
            429 | RateLimitError       | Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds | RETRYABLE
            429 | TooManyRequestsError | Exceeded send limits (250000) for today                       | SENDER_UNAVAILABLE
            500 | Exception            | Internal server error                                         | UNKNOWN
            502 | Exception            | Bad gateway                                                   | UNKNOWN
            503 | Exception            | Service unavailable                                           | UNKNOWN
            504 | Exception            | Gateway timeout                                               | UNKNOWN
            """)
    void anAnswerIsClassifiedByWhetherNotifyCouldHaveStoredTheText(int http, String error, String message,
                                                                  Outcome expected) {
        var result = NotifySmsSender.classify(http, body(error, message));
        assertThat(result.outcome()).isEqualTo(expected);
        assertThat(result.errorCode()).isEqualTo(http + " " + error);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            refused         | RETRYABLE
            unknown-host    | RETRYABLE
            connect-timeout | RETRYABLE
            read-timeout    | UNKNOWN
            reset           | UNKNOWN
            eof             | UNKNOWN
            """)
    void aConnectionFailureIsRetryableOnlyWhenNoRequestWasWritten(String how, Outcome expected) {
        IOException cause = switch (how) {
            case "refused" -> new ConnectException("Connection refused");
            case "unknown-host" -> new UnknownHostException("api.notifications.service.gov.uk");
            case "connect-timeout" -> new SocketTimeoutException("Connect timed out");
            case "read-timeout" -> new SocketTimeoutException("Read timed out");
            case "reset" -> new SocketException("Connection reset");
            default -> new SocketException("Unexpected end of file from server");
        };
        assertThat(NotifySmsSender.classify(new NotificationClientException(cause)).outcome()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            created           | QUEUED
            sending           | SENT
            pending           | SENT
            sent              | SENT
            delivered         | DELIVERED
            temporary-failure | UNDELIVERED
            permanent-failure | UNDELIVERED
            technical-failure | FAILED
            """)
    void notifyTextStatusesMapOntoOurs(String notify, MessageStatus ours) {
        assertThat(MessageStatusService.notifyStatus(notify)).isEqualTo(ours);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            sms-42       | 42
            sms-x        | null
            letter-42    | null
            42           | null
            null         | null
            """)
    void onlyOurTextReferencesNameAMessage(String reference, Long id) {
        assertThat(NotifySmsSender.messageId(reference)).isEqualTo(id);
        if (id != null) {
            assertThat(NotifySmsSender.reference(id)).isEqualTo(reference);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            uptake_live-5d6c2c6e-5b8f-4f0c-9d9a-6f3e2a1b0c9d-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b | true
            5d6c2c6e-5b8f-4f0c-9d9a-6f3e2a1b0c9d-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b             | false
            not-a-key                                                                            | false
            """)
    void anApiKeyIsItsNameServiceIdAndSecret(String key, boolean valid) {
        assertThat(NotifyClientFactory.looksLikeKey(key)).isEqualTo(valid);
    }
}
