package io.uptake.gprecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The code file is data a practice's record depends on: a malformed one stops the service, never half-loads. */
class GpRecordCodesTest {
    private static final String HEADER = "entry,programme,snomed_code,term,verified,source\n";

    @Test
    void theShippedFileLoadsWithItsVersionAndCodesEveryTextSent() {
        GpRecordCodes codes = new GpRecordCodes();
        assertThat(codes.version()).isEqualTo("v3 (effective 2026-12-04)");
        GpRecordCodes.Code text = codes.code(EntryKind.TEXT_SENT, "fit-non-returners").orElseThrow();
        assertThat(text.snomedCode()).isEqualTo("711408005");
        assertThat(text.verified()).isTrue();
        // Every kind has a row, so nothing is left out without the page saying why.
        for (EntryKind kind : EntryKind.values()) {
            assertThat(codes.code(kind, "psa-eligible")).as(kind.name()).isPresent();
        }
        // A verified row always names its source.
        assertThat(codes.all()).filteredOn(GpRecordCodes.Code::verified).allSatisfy(c -> assertThat(c.source()).isNotBlank());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "SENT_BY_PIGEON,*,711408005,Term,yes,src       | unknown entry 'SENT_BY_PIGEON'",
            "TEXT_SENT,*,7114O8005,Term,yes,src            | '7114O8005' is not a SNOMED CT concept id",
            "TEXT_SENT,*,711408005,Term,maybe,src          | verified must be yes or no",
            "TEXT_SENT,*,,Term,yes,src                     | a row without a code cannot be verified",
            "TEXT_SENT,*,711408005,,yes,src                | every row needs a term and a source",
    })
    void aMalformedRowIsRefusedWithItsLine(String row, String reason) {
        assertThatThrownBy(() -> new GpRecordCodes(HEADER + row + "\n"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(GpRecordCodes.RESOURCE + " line 1: " + reason);
    }

    @Test
    void aKindGivenTwiceForOneProgrammeIsRefused() {
        assertThatThrownBy(() -> new GpRecordCodes(HEADER + "TEXT_SENT,*,711408005,A,yes,s\nTEXT_SENT,*,711408005,B,yes,s\n"))
                .hasMessageEndingWith("TEXT_SENT for * is given twice");
    }
}
