package io.uptake.db;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Stopping the service and its embedded PostgreSQL, then starting both again, loses nothing. */
class RestartKeepsDataTest {

    @Test
    void dataSurvivesAServiceAndDatabaseRestart() {
        try (EmbeddedServer first = ApplicationContext.builder().environments("test").run(EmbeddedServer.class)) {
            Database.reset(first.getApplicationContext().getBean(DataSource.class));
            first.getApplicationContext().getBean(io.uptake.user.PcnRepository.class)
                    .ensure("Restart PCN", first.getApplicationContext().getBean(java.time.Clock.class).instant());
            try (HttpClient client = HttpClient.create(first.getURL())) {
                new Api(client.toBlocking()).user("ccc.restart", "CCC", "Restart PCN");
            }
        }
        EmbeddedDatabase.stop();

        try (EmbeddedServer second = ApplicationContext.builder().environments("test").run(EmbeddedServer.class);
             HttpClient client = HttpClient.create(second.getURL())) {
            Api api = new Api(client.toBlocking());
            assertThat(api.login("ccc.restart", Api.USER_PASSWORD)).isNotBlank();
            List<Map<String, Object>> users = client.toBlocking().retrieve(HttpRequest.GET("/api/users").bearerAuth(api.adminToken()),
                    Json.OBJECTS);
            assertThat(users).anySatisfy(u -> assertThat(u.get("pcn")).isEqualTo("Restart PCN"));
        }
    }
}
