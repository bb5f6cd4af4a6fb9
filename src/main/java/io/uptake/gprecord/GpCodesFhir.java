package io.uptake.gprecord;

import ca.uhn.fhir.context.FhirContext;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

import java.util.Date;

/**
 * The coded entries as a FHIR R4 Bundle (type collection) of Communication resources, for GP systems and
 * integration engines that take FHIR: the patient by NHS number, the practice by ODS code, the SNOMED CT concept
 * as the Communication's topic, and the date it happened. Built and encoded with HAPI FHIR's R4 structures; the
 * context is made once, as it is costly and thread-safe.
 */
@Singleton
class GpCodesFhir {
    static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";
    static final String ODS_CODE = "https://fhir.nhs.uk/Id/ods-organization-code";
    static final String SNOMED = "http://snomed.info/sct";
    /** Our own identifiers and tags, named under a URN so they cannot be mistaken for a national system's. */
    static final String ENTRY_ID = "urn:uptake:coded-entry";
    static final String CODE_STATUS = "urn:uptake:code-status";
    /** Its own system: a code-list version is not a code status, and a reader filtering on either must not meet the other. */
    static final String CODE_LIST = "urn:uptake:code-list";

    private final FhirContext fhir = FhirContext.forR4Cached();

    String json(GpCodeExports.Export export) {
        return fhir.newJsonParser().setPrettyPrint(true).encodeResourceToString(bundle(export));
    }

    Bundle bundle(GpCodeExports.Export export) {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.COLLECTION);
        bundle.setTimestamp(Date.from(export.at()));
        bundle.setIdentifier(new Identifier().setSystem(ENTRY_ID)
                .setValue("campaign-" + export.campaign().id() + "-" + export.practiceCode() + "-" + export.at().toEpochMilli()));
        bundle.getMeta().addTag(new Coding(CODE_LIST, export.codeList(), "Uptake code list version"));
        for (CodedEntry e : export.entries()) {
            Communication c = new Communication();
            c.setId(e.key().replace(':', '-'));
            c.addIdentifier(new Identifier().setSystem(ENTRY_ID).setValue("campaign-" + export.campaign().id() + "/" + e.key()));
            c.setStatus(Communication.CommunicationStatus.COMPLETED);
            c.setSubject(new Reference().setIdentifier(new Identifier().setSystem(NHS_NUMBER).setValue(e.nhsNumber())));
            c.setSender(new Reference().setIdentifier(new Identifier().setSystem(ODS_CODE).setValue(e.practiceCode())));
            c.setSentElement(new DateTimeType(e.date().toString()));
            c.setTopic(new CodeableConcept(new Coding(SNOMED, e.snomedCode(), e.term())).setText(e.term()));
            if (!e.verified()) {
                c.getMeta().addTag(new Coding(CODE_STATUS, "unverified", "Code not confirmed by the code list's sources"));
            }
            bundle.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.nameUUIDFromBytes(
                    (export.campaign().id() + "/" + e.key()).getBytes(java.nio.charset.StandardCharsets.UTF_8))).setResource(c);
        }
        return bundle;
    }
}
