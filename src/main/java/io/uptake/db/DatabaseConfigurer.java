package io.uptake.db;

import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.context.ApplicationContextConfigurer;
import io.micronaut.context.annotation.ContextConfigurer;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Chooses the database before the context starts: an external PostgreSQL when
 * {@code DATASOURCES_DEFAULT_URL} (or the system property {@code datasources.default.url}) is set,
 * otherwise the embedded one, with its data in {@code UPTAKE_DATA_DIR} (default {@code ./data/postgres}).
 */
@ContextConfigurer
public class DatabaseConfigurer implements ApplicationContextConfigurer {

    @Override
    public void configure(ApplicationContextBuilder builder) {
        if (externalUrl() != null) {
            return;
        }
        Path dir = Path.of(setting("uptake.data-dir", "UPTAKE_DATA_DIR", "data/postgres"));
        boolean fresh = Boolean.parseBoolean(setting("uptake.data-fresh", "UPTAKE_DATA_FRESH", "false"));
        String url = EmbeddedDatabase.start(dir, fresh);
        Map<String, Object> props = new HashMap<>();
        props.put("datasources.default.url", url);
        props.put("datasources.default.username", "postgres");
        props.put("datasources.default.password", "postgres");
        props.put("uptake.database.embedded", true);
        builder.properties(props);
    }

    private static String externalUrl() {
        String url = System.getProperty("datasources.default.url");
        return url != null ? url : System.getenv("DATASOURCES_DEFAULT_URL");
    }

    private static String setting(String property, String env, String fallback) {
        String value = System.getProperty(property);
        if (value == null) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}
