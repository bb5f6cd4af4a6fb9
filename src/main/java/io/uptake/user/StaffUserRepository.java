package io.uptake.user;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface StaffUserRepository extends CrudRepository<StaffUser, Long> {
    Optional<StaffUser> findByUsername(String username);

    boolean existsByUsername(String username);

    List<StaffUser> findAllOrderByUsername();

    long countByRoleAndDisabledAtIsNull(String role);

    void updateDisabledAt(@Id Long id, @Nullable Instant disabledAt);

    void updatePasswordHashAndMustChangePassword(@Id Long id, String passwordHash, boolean mustChangePassword);

    void updateRoleAndPcnId(@Id Long id, String role, @Nullable Long pcnId);
}
