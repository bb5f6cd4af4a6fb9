package io.uptake.user;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface PcnRepository extends CrudRepository<Pcn, Long> {
    Optional<Pcn> findByName(String name);

    List<Pcn> findAllOrderByName();

    /** Finds or creates a PCN by name in one statement, safe under concurrent imports. */
    @Query("""
            WITH ins AS (INSERT INTO pcn (name, created_at) VALUES (:name, :now)
                         ON CONFLICT (name) DO NOTHING RETURNING id)
            SELECT id FROM ins UNION ALL SELECT id FROM pcn WHERE name = :name LIMIT 1""")
    long ensure(String name, Instant now);
}
