package io.uptake.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The login form's origin rule: our own pages (by Host or the public URL) may post it, other sites may not. */
class SameOriginTest {

    @ParameterizedTest(name = "Origin {0}, Referer {1}, Host {2}, public URL {3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            NULL                          | NULL                           | localhost:8080        | http://localhost:8080         | true
            http://localhost:8080         | NULL                           | localhost:8080        | http://localhost:8080         | true
            http://LOCALHOST:8080         | NULL                           | localhost:8080        | NULL                          | true
            http://127.0.0.1:40111        | NULL                           | 127.0.0.1:40111       | http://localhost:8080         | true
            https://uptake.example.nhs.uk | NULL                           | 10.0.0.5:8080         | https://uptake.example.nhs.uk | true
            https://uptake.example.nhs.uk | NULL                           | uptake.example.nhs.uk | NULL                          | true
            NULL                          | http://localhost:8080/ui/login | localhost:8080        | NULL                          | true
            https://evil.example          | NULL                           | localhost:8080        | http://localhost:8080         | false
            https://evil.example          | http://localhost:8080/ui/login | localhost:8080        | http://localhost:8080         | false
            NULL                          | https://evil.example/page      | localhost:8080        | http://localhost:8080         | false
            null                          | NULL                           | localhost:8080        | http://localhost:8080         | false
            http://localhost:8081         | NULL                           | localhost:8080        | http://localhost:8080         | false
            http://uptake.example.nhs.uk  | NULL                           | 10.0.0.5:8080         | https://uptake.example.nhs.uk | false
            http://localhost:8080         | NULL                           | NULL                  | NULL                          | false
            """)
    void rule(String origin, String referer, String host, String publicUrl, boolean allowed) {
        assertThat(SameOrigin.allows(origin, referer, host, publicUrl)).isEqualTo(allowed);
    }
}
