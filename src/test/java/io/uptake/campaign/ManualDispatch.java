package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.uptake.testsupport.TestClock;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * For a {@code @MicronautTest} that drives the campaign engine by hand: the dispatcher loops, the reconcile loop and
 * Quartz stay off (the test calls housekeeping, {@link Reconciler#reconcileOnce} and the dispatcher itself, as the
 * jobs would: the dispatcher never settles an UNKNOWN text, so a test that makes one must run the reconciler), and
 * the service clock is a {@link TestClock} starting at {@code @Property(name = TestClock.START, ...)}, which the
 * test must give.
 * Logins outlast the days the test moves the clock by: sessions (idle timeout, absolute lifetime) follow the service
 * clock, and these tests keep one user's token from Monday to Friday.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = "uptake.session.idle-timeout", value = "3650d")
@Property(name = "micronaut.security.token.generator.access-token.expiration", value = "315360000")
@interface ManualDispatch {
}
