package io.uptake.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The report's rules by channel ({@link ChannelFigures}), from cells alone: no context, no database. */
class ChannelFiguresTest {

    /** A channel's cell of one arm: patients, reached, converted. */
    private static CampaignReports.Cell channel(String arm, String channel, long patients, long reached, long converted) {
        CampaignReports.Cell c = CampaignReports.Cell.empty(arm);
        c.dimension = ChannelFigures.DIMENSION;
        c.value = channel;
        c.recipients = patients;
        c.reached = reached;
        c.converted = converted;
        return c;
    }

    /** An arm's total with its call figures: patients not converted by the call day, answered, converted after. */
    private static CampaignReports.Cell total(String arm, long callDue, long answered, long callConverted) {
        CampaignReports.Cell c = CampaignReports.Cell.empty(arm);
        c.callDue = callDue;
        c.callAnswered = answered;
        c.callConverted = callConverted;
        return c;
    }

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
        List<CampaignReports.Cell> cells = new ArrayList<>();
        if (t[0] > 0) {
            cells.add(channel("TEXTED", "SMS", t[0], t[1], t[2]));
        }
        if (c[0] > 0) {
            cells.add(channel("CONTROL", "SMS", c[0], 0, c[1]));
        }
        if (shown.contains("LETTER")) {
            cells.add(channel("TEXTED", "LETTER", 4, 3, 1));
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
    }

    @Test
    void aCallWaveComparesTheArmsNotConvertedByItsDay() {
        List<CampaignReports.Cell> cells = List.of(channel("TEXTED", "SMS", 9, 6, 4), total("TEXTED", 10, 2, 1),
                total("CONTROL", 4, 0, 0));
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
        List<CampaignReports.Cell> cells = List.of(channel("TEXTED", "LETTER", 40, 30, 6),
                channel("CONTROL", "LETTER", 20, 0, 1));
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
