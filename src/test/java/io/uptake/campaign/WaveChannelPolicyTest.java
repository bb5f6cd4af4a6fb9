package io.uptake.campaign;

import io.uptake.campaign.WaveChannelPolicy.Patient;
import io.uptake.campaign.WaveChannelPolicy.Reach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every wave channel against every kind of patient, as a table. No context, no database. */
class WaveChannelPolicyTest {

    @ParameterizedTest(name = "{0} wave, control={1}, mobile={2}, address={3}: {4} {5}")
    @CsvSource(nullValues = "-", textBlock = """
            # wave,  control, mobile, address, channel, reason
            AUTO,    false,   true,   true,    SMS,     -
            AUTO,    false,   true,   false,   SMS,     -
            AUTO,    false,   false,  true,    LETTER,  -
            AUTO,    false,   false,  false,   -,       no-address
            SMS,     false,   true,   true,    SMS,     -
            SMS,     false,   true,   false,   SMS,     -
            SMS,     false,   false,  true,    -,       text-only-wave-no-mobile
            SMS,     false,   false,  false,   -,       text-only-wave-no-mobile
            LETTER,  false,   true,   true,    LETTER,  -
            LETTER,  false,   true,   false,   -,       no-address
            LETTER,  false,   false,  true,    LETTER,  -
            LETTER,  false,   false,  false,   -,       no-address
            CALL,    false,   true,   true,    CALL,    -
            CALL,    false,   true,   false,   CALL,    -
            CALL,    false,   false,  true,    -,       call-wave-no-phone
            CALL,    false,   false,  false,   -,       call-wave-no-phone
            """)
    void reach(WaveChannel wave, boolean control, boolean mobile, boolean address, Channel channel, String reason) {
        Reach r = WaveChannelPolicy.reach(wave, new Patient(control, mobile, address));
        assertThat(r.channel()).isEqualTo(channel);
        assertThat(r.reason()).isEqualTo(reason);
        assertThat(r.reached()).isEqualTo(channel != null);
    }

    /** A telephone (landline) is a number to call, and nothing else: no wave texts or writes because of it. */
    @ParameterizedTest(name = "{0} wave, mobile={1}, address={2}, with a telephone: {3} {4}")
    @CsvSource(nullValues = "-", textBlock = """
            # wave,  mobile, address, channel, reason
            AUTO,    false,  true,    LETTER,  -
            AUTO,    false,  false,   -,       no-address
            SMS,     false,  true,    -,       text-only-wave-no-mobile
            LETTER,  false,  false,   -,       no-address
            CALL,    false,  true,    CALL,    -
            CALL,    false,  false,   CALL,    -
            CALL,    true,   true,    CALL,    -
            """)
    void aTelephoneIsForCallsOnly(WaveChannel wave, boolean mobile, boolean address, Channel channel, String reason) {
        Reach r = WaveChannelPolicy.reach(wave, new Patient(false, mobile, address, true));
        assertThat(r.channel()).isEqualTo(channel);
        assertThat(r.reason()).isEqualTo(reason);
        assertThat(WaveChannelPolicy.reach(wave, new Patient(true, mobile, address, true)).reason())
                .isEqualTo(WaveChannelPolicy.CONTROL);
    }

    @Test
    void theControlArmIsHeldBackFromEveryChannel() {
        List<Reach> reached = new ArrayList<>();
        for (WaveChannel wave : WaveChannel.values()) {
            for (boolean mobile : new boolean[]{true, false}) {
                for (boolean address : new boolean[]{true, false}) {
                    reached.add(WaveChannelPolicy.reach(wave, new Patient(true, mobile, address)));
                }
            }
        }
        assertThat(reached).hasSize(16).allSatisfy(r -> {
            assertThat(r.reached()).isFalse();
            assertThat(r.reason()).isEqualTo(WaveChannelPolicy.CONTROL);
        });
    }

    @Test
    void aRequestNamesAChannelInAnyCaseAndNoneMeansAuto() {
        assertThat(WaveChannel.parse(null)).contains(WaveChannel.AUTO);
        assertThat(WaveChannel.parse(" letter ")).contains(WaveChannel.LETTER);
        assertThat(WaveChannel.parse("Call")).contains(WaveChannel.CALL);
        assertThat(WaveChannel.parse("POST")).isEmpty();
        assertThat(WaveChannel.parse("")).isEmpty();
    }

    @Test
    void eachWaveGetsAChannelAndBadOnesAreNamedByField() {
        List<CampaignPlan.FieldError> errors = new ArrayList<>();
        assertThat(CampaignPlan.channels(List.of(new CampaignRequest.Wave("sms")), 3, errors))
                .containsExactly(WaveChannel.SMS, WaveChannel.AUTO, WaveChannel.AUTO);
        assertThat(errors).isEmpty();

        CampaignPlan.channels(List.of(new CampaignRequest.Wave("CALL"), new CampaignRequest.Wave("fax")), 2, errors);
        assertThat(errors).extracting(CampaignPlan.FieldError::field).containsExactly("waves[0].channel", "waves[1].channel");
        assertThat(errors.get(1).reason()).contains("'fax' is not a channel").contains("AUTO").contains("CALL");

        errors.clear();
        CampaignPlan.channels(List.of(new CampaignRequest.Wave(null), new CampaignRequest.Wave(null)), 1, errors);
        assertThat(errors).extracting(CampaignPlan.FieldError::field).containsExactly("waves");
    }
}
