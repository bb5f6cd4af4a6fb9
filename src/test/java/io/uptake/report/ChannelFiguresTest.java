package io.uptake.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The report's rules by channel ({@link ChannelFigures}), from cells alone: no context, no database. */
class ChannelFiguresTest {

    /**
     * An arm's total: all its patients, reached and converted, of them the post-only patients', and the call's
     * figures (patients not converted by the call day, answered, converted after).
     */
    private static CampaignReports.Cell arm(String arm, long[] all, long[] letter, long[] call) {
        CampaignReports.Cell c = CampaignReports.Cell.empty(arm);
        c.recipients = all[0];
        c.reached = all[1];
        c.converted = all[2];
        c.letterPatients = letter[0];
        c.letterReached = letter[1];
        c.letterConverted = letter[2];
        c.callDue = call[0];
        c.callAnswered = call[1];
        c.callConverted = call[2];
        return c;
    }

    private static final long[] NONE = {0, 0, 0};

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # case                                  | texted n,reached,k | control n,k | channels shown     | SMS uplift
            texts only, no control                  | 10,8,2             | 0,0         | SMS                | none
            texts with a control arm                | 10,8,4             | 10,2        | SMS                | 0.2
            letters only: no text row               | 0,0,0              | 0,0         | LETTER             | none
            """)
    void whichChannelsShowAndTheirUplift(String name, String texted, String control, String shown, String uplift) {
        long[] t = longs(texted);
        long[] c = longs(control);
        boolean letters = shown.contains("LETTER");
        // Post-only patients of the texted arm, when the case has them: 4, 3 reached, 1 converted.
        long[] post = letters ? new long[]{4, 3, 1} : NONE;
        List<CampaignReports.Cell> cells = new ArrayList<>();
        cells.add(arm("TEXTED", new long[]{t[0] + post[0], t[1] + post[1], t[2] + post[2]}, post, NONE));
        if (c[0] > 0) {
            cells.add(arm("CONTROL", new long[]{c[0], 0, c[1]}, NONE, NONE));
        }
        List<CampaignReport.Channel> rows = ChannelFigures.of(cells, false, Disclosure.internal());
        assertThat(rows).extracting(CampaignReport.Channel::channel).containsExactly(shown.split(" "));
        CampaignReport.Channel first = rows.get(0);
        if (uplift.equals("none")) {
            assertThat(first.control()).isNull();
            assertThat(first.uplift()).isNull();
        } else {
            assertThat(first.uplift().difference()).isCloseTo(Double.parseDouble(uplift),
                    org.assertj.core.data.Offset.offset(1e-9));
            assertThat(first.uplift().ci95()).hasSize(2);
            assertThat(first.uplift().ci95().get(0)).isLessThan(first.uplift().difference());
        }
        if (letters) {
            CampaignReport.Channel letter = rows.get(rows.size() - 1);
            assertThat(List.of(letter.patients(), letter.reached(), letter.converted())).containsExactly(4L, 3L, 1L);
        }
    }

    @Test
    void aCallWaveComparesTheArmsNotConvertedByItsDay() {
        List<CampaignReports.Cell> cells = List.of(arm("TEXTED", new long[]{9, 6, 4}, NONE, new long[]{10, 2, 1}),
                arm("CONTROL", new long[]{0, 0, 0}, NONE, new long[]{4, 0, 0}));
        List<CampaignReport.Channel> rows = ChannelFigures.of(cells, true, Disclosure.internal());
        assertThat(rows).extracting(CampaignReport.Channel::channel).containsExactly("SMS", "CALL");
        CampaignReport.Channel call = rows.get(1);
        assertThat(List.of(call.patients(), call.reached(), call.converted())).containsExactly(10L, 2L, 1L);
        assertThat(call.control().patients()).isEqualTo(4L);
        assertThat(call.uplift().difference()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
        // Without a call wave there is no call row, whatever the totals hold.
        assertThat(ChannelFigures.of(cells, false, Disclosure.internal())).extracting(CampaignReport.Channel::channel)
                .containsExactly("SMS");
    }

    @Test
    void publicationWithholdsSmallCountsAndTheUpliftComputedFromThem() {
        Disclosure published = new Disclosure(true, 1, 7, 5);
        List<CampaignReports.Cell> cells = List.of(arm("TEXTED", new long[]{40, 30, 6}, new long[]{40, 30, 6}, NONE),
                arm("CONTROL", new long[]{20, 0, 1}, new long[]{20, 0, 1}, NONE));
        CampaignReport.Channel letter = ChannelFigures.of(cells, false, published).get(0);
        assertThat(letter.patients()).isEqualTo(40L);
        assertThat(letter.converted()).as("6 is in the small range").isNull();
        assertThat(letter.conversionRate()).isNull();
        assertThat(letter.control().converted()).isNull();
        assertThat(letter.uplift().difference()).isNull();
        assertThat(letter.uplift().ci95()).isNull();
    }

    private static long[] longs(String csv) {
        String[] parts = csv.split(",");
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Long.parseLong(parts[i].strip());
        }
        return out;
    }
}
