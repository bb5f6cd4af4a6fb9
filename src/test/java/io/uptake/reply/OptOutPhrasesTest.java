package io.uptake.reply;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped opt-out phrases of every language, as tables: no Micronaut context. */
class OptOutPhrasesTest {
    @ParameterizedTest(name = "\"{0}\" reads as an opt-out: {1}")
    @CsvSource(delimiter = '|', value = {
            "No more messages please | true",
            "no more texts!! | true",
            "NO MORE MESSAGES | true",
            "Please don't text me again | true",
            "Dont text me | true",
            "Do not contact me about this | true",
            "Please remove me from your list | true",
            "Take me off this | true",
            "Leave me alone | true",
            "I don't want any more of these | true",
            "Stop texting me | true",
            "Thanks, posted it | false",
            "No more questions, I've booked | false",
            "Can I have another kit? | false",
            "I removed the seal, is that ok | false",
            "textbook question: when is the clinic | false",
            "My band is playing, can I come later | false",
            "Na, I have not had the kit yet | false",
            "'' | false"})
    void shippedPhrases(String reply, boolean optOut) {
        assertThat(OptOutPhrases.shipped().matches(reply)).isEqualTo(optOut);
    }

    /**
     * Per language: replies that must be flagged (by that language's own list) and near-misses that must not be (by
     * any language's list, since all of them are matched against every reply). In the script patients use and in
     * the Latin letters they text in. Negations ("please don't stop the messages") are out of scope.
     */
    @ParameterizedTest(name = "[{0}] \"{1}\" reads as an opt-out: {2}")
    @CsvSource(delimiter = '|', value = {
            // Urdu, in Urdu script
            "ur | مجھے میسج نہ بھیجیں | true",
            "ur | براہ کرم مجھے مزید میسج نہ بھیجیں۔ | true",
            "ur | میرا نمبر ہٹا دیں، شکریہ | true",
            "ur | مجھ سے رابطہ نہ کریں | true",
            // ... typed on an Arabic keyboard (ه ي for ھ ی, ي for ے), with vowel marks, with a tatweel
            "ur | مجهي ميسج نہ بهيجيں | true",
            "ur | مِیسج نَہ بھیجیں | true",
            "ur | میسج نہ بھیــجیں | true",
            // ... in Roman Urdu
            "ur | Plz mujhe message mat bhejo | true",
            "ur | MESSAGE MAT BHEJO!! | true",
            "ur | yeh messages band kar do | true",
            "ur | band karo | true",
            "ur | mera number hata dein please | true",
            "ur | مجھے میسج بھیجیں | false",
            "ur | میسج مل گیا، شکریہ | false",
            "ur | kit bhej dein please | false",
            "ur | mujhe message bhejo | false",
            "ur | message mil gaya shukriya | false",
            // Panjabi: Gurmukhi, Shahmukhi, Romanised
            "pa | ਮੈਨੂੰ ਮੈਸੇਜ ਨਾ ਭੇਜੋ | true",
            "pa | ਕਿਰਪਾ ਕਰਕੇ ਹੋਰ ਮੈਸੇਜ ਨਹੀਂ | true",
            "pa | ਮੇਰਾ ਨੰਬਰ ਹਟਾ ਦਿਓ | true",
            "pa | مینوں میسج نہ بھیجو | true",
            "pa | mainu message na bhejo ji | true",
            "pa | hor msg nahi | true",
            "pa | ਮੈਸੇਜ ਮਿਲ ਗਿਆ ਧੰਨਵਾਦ | false",
            "pa | ਕਿੱਟ ਭੇਜ ਦਿਓ | false",
            "pa | ਨਾਭੇਜੋ | false",
            "pa | hor kit bhejo | false",
            "pa | message mil gaya | false",
            // Bengali, and Romanised Bengali and Sylheti
            "bn | দয়া করে আমাকে মেসেজ পাঠাবেন না | true",
            "bn | আর মেসেজ চাই না | true",
            "bn | আমার নম্বর মুছে দিন | true",
            "bn | please message diben na | true",
            "bn | amake msg pathaben na | true",
            "bn | bondho korun | true",
            "bn | মেসেজ পেয়েছি, ধন্যবাদ | false",
            "bn | কিট পাঠিয়ে দিন | false",
            "bn | আমি আরেকটা মেসেজ চাই | false",
            "bn | kit pathiye din | false",
            "bn | message peyechi dhonnobad | false",
            // Gujarati, and Romanised Gujarati
            "gu | મને મેસેજ ન મોકલો | true",
            "gu | મહેરબાની કરીને હવે મેસેજ ન મોકલો | true",
            "gu | મારો નંબર કાઢી નાખો | true",
            "gu | mane message na moklo | true",
            "gu | maro number kadhi nakho | true",
            "gu | મેસેજ મળ્યો, આભાર | false",
            "gu | કિટ મોકલો | false",
            "gu | kit moklo | false",
            "gu | message malyo aabhar | false",
            // Arabic, with and without hamza and harakat, and Arabizi
            "ar | لا ترسلوا لي رسائل | true",
            "ar | من فضلك لا ترسل لي رسائل | true",
            "ar | لا اريد رسائل | true",
            "ar | لَا تُرْسِلْ لِي رَسَائِلَ | true",
            "ar | كفى رسـائل | true",
            "ar | احذفوا رقمي من فضلكم | true",
            "ar | ma bdi rasayel | true",
            "ar | شكرا وصلت الرسالة | false",
            "ar | أرسلوا لي عدة جديدة | false",
            "ar | لا شكرا، أرسلت العينة | false",
            // Polish, with and without its letters
            "pl | Proszę nie wysyłać więcej SMS | true",
            "pl | nie wysylajcie mi wiadomosci | true",
            "pl | Usuńcie mój numer | true",
            "pl | usuncie moj numer | true",
            "pl | PRZESTAŃCIE PISAĆ | true",
            "pl | Dziękuję, wysłałem test | false",
            "pl | Proszę wysłać nowy zestaw | false",
            "pl | Nie wysłałem jeszcze testu | false",
            // Romanian, with comma or cedilla letters, or none
            "ro | Vă rog nu mai trimiteți mesaje | true",
            "ro | nu mai trimiteti | true",
            "ro | Ștergeți-mi numărul | true",
            "ro | ştergeţi-mi numărul | true",
            "ro | stergeti-mi numarul | true",
            "ro | Nu mă mai contactați | true",
            "ro | Mulțumesc, am trimis testul | false",
            "ro | Vă rog trimiteți un kit nou | false",
            "ro | Nu mai am kitul | false"})
    void eachLanguage(String language, String reply, boolean optOut) {
        OptOutPhrases own = OptOutPhrases.of(OptOutPhrases.shipped().phrases(language));
        assertThat(own.matches(reply)).as("by the %s list", language).isEqualTo(optOut);
        assertThat(OptOutPhrases.shipped().matches(reply)).as("by all the lists").isEqualTo(optOut);
    }

    @Test
    void aPatientsPhraseIsFoundWhateverTheLanguageOfTheirRecord() {
        // Nothing about the patient goes in: an Urdu phrase flags a reply from a patient recorded as English.
        assertThat(OptOutPhrases.shipped().find("mujhe message mat bhejo"))
                .hasValue(new OptOutPhrases.Match("ur", "mujhe message mat bhejo"));
        assertThat(OptOutPhrases.shipped().find("nie wysyłajcie więcej")).map(OptOutPhrases.Match::language).hasValue("pl");
    }

    /**
     * Words are letters, combining marks and digits: the vowel signs and viramas of Bengali, Gujarati, Gurmukhi
     * (and Devanagari) stay inside their word, so a phrase is matched by whole words of its own script.
     */
    @ParameterizedTest(name = "\"{0}\" is {1} words")
    @CsvSource(delimiter = '|', value = {
            "আমাকে মেসেজ পাঠাবেন না | 4",
            "ਮੈਨੂੰ ਮੈਸੇਜ ਨਾ ਭੇਜੋ | 4",
            "મને મેસેજ ન મોકલો | 4",
            "मुझे मैसेज मत भेजो | 4",
            "مجھے میسج نہ بھیجیں | 4",
            "لَا تُرْسِلْ | 2"})
    void marksStayInTheirWord(String reply, int words) {
        assertThat(OptOutPhrases.words(reply).split(" ")).hasSize(words);
        assertThat(OptOutPhrases.words(reply).replace(" ", ""))
                .isEqualTo(KeywordText.normalise(reply).replace(" ", ""));
    }

    /** Invisible characters phones put inside words, and the Arabic keyboard's letters for Urdu's. */
    @ParameterizedTest(name = "\"{0}\" compares as \"{1}\"")
    @CsvSource(delimiter = '|', value = {
            "কিট\u200Dটা | কিটটা",
            "মে\u200Cসেজ | মেসেজ",
            "کی\u200Cکٹ | کی کٹ",
            "\u200Fبند\u200F | بند",
            "ST\u00ADOP | stop",
            "بـنـد | بند",
            "كال | کال",
            "مجهي | مجھے",
            "مجهے | مجھے"})
    void sameAfterNormalising(String typed, String meant) {
        assertThat(KeywordText.normalise(typed)).isEqualTo(KeywordText.normalise(meant));
    }

    @ParameterizedTest(name = "\"{0}\" against [{1}]: {2}")
    @CsvSource(delimiter = '|', value = {
            "Nie wysyłaj więcej | nie wysylaj | true",
            "nie wysyłajcie | nie wysylaj | false",
            "stop | no more | false"})
    void wholeWordsAccentsFolded(String reply, String phrase, boolean matches) {
        assertThat(OptOutPhrases.of(List.of(phrase)).matches(reply)).isEqualTo(matches);
    }

    /** A language added to i18n/ without its phrase list fails here (read from the project, not the code). */
    @Test
    void everyLanguageTextedHasAPhraseListWithItsVersionSourceAndReviewState() throws IOException {
        List<String> texted;
        try (Stream<Path> files = Files.list(Path.of("i18n"))) {
            texted = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".properties"))
                    .map(n -> n.substring(0, n.length() - ".properties".length())).sorted().toList();
        }
        assertThat(OptOutPhrases.LANGUAGES).containsExactlyInAnyOrderElementsOf(texted);
        for (String language : OptOutPhrases.LANGUAGES) {
            String file;
            try (InputStream in = OptOutPhrasesTest.class.getResourceAsStream(OptOutPhrases.RESOURCES + language + ".txt")) {
                file = new String(Objects.requireNonNull(in, language).readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(file).as(language).contains("Version ").contains("Source:");
            if (!language.equals("en")) {
                assertThat(file).as(language).contains("NOT checked by a native speaker").contains("Low harm");
            }
            assertThat(OptOutPhrases.shipped().phrases(language)).as(language).isNotEmpty();
        }
    }

    /** Scripts other than Latin come with the Latin letters their speakers also text in. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"ar", "bn", "gu", "pa", "ur"})
    void nonLatinLanguagesAlsoListTransliterations(String language) {
        List<String> phrases = OptOutPhrases.shipped().phrases(language);
        assertThat(phrases).anyMatch(p -> p.chars().allMatch(c -> c < 0x80));
        assertThat(phrases).anyMatch(p -> p.chars().anyMatch(c -> c > 0x80));
    }
}
