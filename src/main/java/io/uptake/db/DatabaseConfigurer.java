package io.uptake.db;

import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.context.ApplicationContextConfigurer;
import io.micronaut.context.annotation.ContextConfigurer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Chooses the database before the context starts: an external PostgreSQL when
 * {@code DATASOURCES_DEFAULT_URL} (or the system property {@code datasources.default.url}) is set,
 * otherwise the embedded one, with its data where {@link DataDirectory} says. (Settings read here come from
 * system properties and the environment: the context, and so {@code @ConfigurationProperties}, does not exist
 * yet.)
 */
@ContextConfigurer
public class DatabaseConfigurer implements ApplicationContextConfigurer {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseConfigurer.class);

    @Override
    public void configure(ApplicationContextBuilder builder) {
        if (externalUrl() != null) {
            return;
        }
        DataDirectory dir = DataDirectory.fromEnvironment();
        if (dir.warning() != null) {
            LOG.warn(dir.warning());
        }
        boolean fresh = Boolean.parseBoolean(setting("uptake.data-fresh", "UPTAKE_DATA_FRESH", "false"));
        String url = EmbeddedDatabase.start(dir.path(), fresh);
        Map<String, Object> props = new HashMap<>();
        props.put("datasources.default.url", url);
        props.put("datasources.default.username", EmbeddedDatabase.username());
        props.put("datasources.default.password", EmbeddedDatabase.password());
        props.put("uptake.database.embedded", true);
        props.put("uptake.database.data-dir", EmbeddedDatabase.dataDir().toString());
        builder.properties(props);
    }

    static String externalUrl() {
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
