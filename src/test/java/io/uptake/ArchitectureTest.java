package io.uptake;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of the production code (target/classes only: tests and benchmarks may reach anywhere).
 * Features depend on each other in one direction, so each can be read and changed from the bottom up; and
 * benchmark code (src/bench/java, ADR 0016) never ships in the jar or becomes something the service needs.
 * Input is checked by hand: there is no bean validation to run a constraint.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = MainClasses.IMPORTED;

    /** Benchmark code: its package, and the benchmarks that sit beside the code they measure. */
    private static final String BENCH_PACKAGE = "io.uptake.bench..";
    private static final String BENCH_NAME = ".*Benchmark(\\$.*)?";

    @Test
    void noPackageCycles() {
        ArchRule rule = slices().matching("io.uptake.(*)..").should().beFreeOfCycles();
        rule.check(MAIN);
    }

    @Test
    void mainCodeDoesNotDependOnBenchmarkCode() {
        ArchRule rule = noClasses().should().dependOnClassesThat().resideInAPackage(BENCH_PACKAGE)
                .orShould().dependOnClassesThat().haveNameMatching(BENCH_NAME)
                .because("benchmarks live in src/bench/java, outside the jar (ADR 0016)");
        rule.check(MAIN);
    }

    @Test
    void noBenchmarkCodeInTheJar() {
        ArchRule rule = noClasses().should().resideInAPackage(BENCH_PACKAGE)
                .orShould().haveNameMatching(BENCH_NAME)
                .because("benchmarks live in src/bench/java, outside the jar (ADR 0016)");
        rule.check(MAIN);
    }

    @Test
    void noBeanValidationConstraints() {
        ArchRule rule = noClasses().should().dependOnClassesThat().resideInAPackage("jakarta.validation..")
                .because("micronaut-validation was dropped (ADR 0016): a constraint would compile and check nothing;"
                        + " input is checked by hand, with a 400 that names the field");
        rule.check(MAIN);
    }
}
