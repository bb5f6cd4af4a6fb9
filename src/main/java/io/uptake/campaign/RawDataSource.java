package io.uptake.campaign;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;

import javax.sql.DataSource;

/**
 * The connection pool itself, outside Micronaut's transaction-bound proxy: for the dispatcher, the throttle
 * and Quartz, which run on their own threads and own their transactions explicitly.
 */
final class RawDataSource {
    private RawDataSource() {
    }

    static DataSource of(DataSource dataSource) {
        return DelegatingDataSource.unwrapDataSource(dataSource);
    }
}
