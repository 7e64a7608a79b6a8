package io.flywheel.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The wall around the API, as JDA's ArchUnitComplianceTest keeps api free of internal. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.flywheel");
    }

    @Test
    void theApiDependsOnNothingOfTheEngine() {
        noClasses().that().resideInAPackage("io.flywheel.api..")
                .should().dependOnClassesThat().resideInAPackage("io.flywheel.engine..")
                .check(classes);
    }

    @Test
    void noStorageScriptingChatOrSerializationTypeCrossesTheApi() {
        noClasses().that().resideInAPackage("io.flywheel.api..")
                .should().dependOnClassesThat().resideInAnyPackage("org.mapdb..", "org.graalvm..", "net.dv8tion..", "com.fasterxml..", "picocli..", "ch.qos..")
                .check(classes);
    }

    @Test
    void theEngineUsesPf4jOnlyInThePluginHost() {
        noClasses().that().resideInAPackage("io.flywheel.engine..").and().resideOutsideOfPackage("io.flywheel.engine.plugin..")
                .should().dependOnClassesThat().resideInAPackage("org.pf4j..")
                .check(classes);
    }

    @Test
    void mapDbStaysInsideTheStore() {
        noClasses().that().resideInAPackage("io.flywheel.engine..").and().resideOutsideOfPackage("io.flywheel.engine.store..")
                .should().dependOnClassesThat().resideInAPackage("org.mapdb..")
                .check(classes);
    }

    @Test
    void theStoreDependsOnNothingOfTheLeadPipeline() {
        // engine.lead writes through the store; the store finding a post's lead by its id uses engine.post, not engine.lead.
        noClasses().that().resideInAPackage("io.flywheel.engine.store..")
                .should().dependOnClassesThat().resideInAPackage("io.flywheel.engine.lead..")
                .check(classes);
    }
}
