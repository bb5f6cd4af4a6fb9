package io.uptake;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The production classes (target/classes only), imported once per test JVM for every architecture rule: the
 * import is most of an architecture test's time (issue 16, suite time).
 */
final class MainClasses {
    static final JavaClasses IMPORTED = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.uptake");

    private MainClasses() {
    }
}
