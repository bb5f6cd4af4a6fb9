/**
 * The one writer of {@code message} rows: every statement that creates a message or changes its status, claim
 * or due time is in this package, and nowhere else (MessageWriterArchitectureTest fails the build otherwise).
 * It holds SQL, not decisions: the dispatcher decides what a claimed message becomes, the status callbacks decide
 * whether a report moves it forward, housekeeping and the campaign decide when to defer, skip or cancel.
 * <p>
 * The statements are split by the job they serve, so each class reads in one sitting: {@link
 * io.uptake.outbox.Claims} (the send path's claim and lease), {@link io.uptake.outbox.Outcomes} (what a claim's
 * holder writes back), {@link io.uptake.outbox.ProviderReports} (status callbacks), {@link
 * io.uptake.outbox.Schedule} (waves and the set-based chores) and {@link io.uptake.outbox.Reconciliations}
 * (the reconciler's). The first two and the reconciler's run on the pool in their own short transactions; the
 * others join the caller's.
 */
package io.uptake.outbox;
