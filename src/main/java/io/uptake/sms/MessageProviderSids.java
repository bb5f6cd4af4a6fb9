package io.uptake.sms;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** {@link RecordedProviderSids} from message.provider_sid (unique, so indexed). */
@Singleton
class MessageProviderSids implements RecordedProviderSids {
    private final DataSource db;

    MessageProviderSids(DataSource dataSource) {
        // The pool itself: reconcile runs on the dispatcher's send threads, outside any transaction.
        this.db = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    @Override
    public Set<String> recordedOnOtherMessages(long messageId, Collection<String> providerSids) {
        Set<String> recorded = new HashSet<>();
        if (providerSids.isEmpty()) {
            return recorded;
        }
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT provider_sid FROM message WHERE provider_sid = ANY(?) AND id <> ?")) {
            ps.setArray(1, c.createArrayOf("text", providerSids.toArray()));
            ps.setLong(2, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    recorded.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            // The reconcile that asked reports "could not ask" (UNKNOWN), never "absent".
            throw new IllegalStateException("cannot read recorded provider ids", e);
        }
        return recorded;
    }
}
