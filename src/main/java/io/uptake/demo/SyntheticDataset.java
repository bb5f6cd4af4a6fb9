package io.uptake.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A deterministic synthetic GP population: practices, patients and coded events, the same for the
 * same {@link Spec} on every machine. Used by the demo PCN (through the import path), by the import
 * benchmark, and by later benchmarks that want the 1M-scale data set.
 *
 * <p>Rows are generated one patient at a time from a per-patient random stream, so nothing is held in
 * memory and a patient's events can be regenerated without the patient table. Dates are relative to
 * {@link Spec#asOf()} so that the programme cohorts (FIT non-returners, breast non-attenders, PSA-eligible
 * higher-risk men) are always populated, with deceased, palliative, opted-out and diagnosed patients to
 * exercise the exclusions.
 *
 * <p>Synthetic only: NHS numbers are the valid Modulus 11 numbers of the 999 test range (there are
 * 909,091 of them, which caps {@link Spec#patients()}), mobiles are Ofcom's drama range 07700 900000-900999
 * and landlines the drama range 0161 496 0000-0999 (in the mobile column, as exports carry them, and as a home
 * telephone of some patients with no mobile).
 */
public final class SyntheticDataset {
    /** How many valid Modulus 11 NHS numbers the 999 range holds: the largest possible population. */
    public static final int MAX_PATIENTS = 909_091;
    private static final DateTimeFormatter UK_DATE = DateTimeFormatter.ofPattern("dd/MM/yyyy");
    private static final DateTimeFormatter EMIS_DATE = DateTimeFormatter.ofPattern("dd-MMM-yyyy", Locale.UK);

    /**
     * @param pcns           number of PCNs; named "Demo PCN" when there is one and {@code name} says so
     * @param practicesPerPcn practices per PCN
     * @param patients       patients in all (at most {@link #MAX_PATIENTS})
     * @param events         events in all (approximately: every patient keeps their programme events)
     */
    public record Spec(String name, long seed, int pcns, int practicesPerPcn, int patients, long events, LocalDate asOf) {
        public Spec {
            if (patients > MAX_PATIENTS) {
                throw new IllegalArgumentException("the 999 test range holds only " + MAX_PATIENTS + " valid NHS numbers");
            }
        }
    }

    /** The demo PCN: one PCN, four practices, about 3,000 patients. */
    public static Spec demo(LocalDate asOf) {
        return new Spec("demo", 20260101L, 1, 4, 3_000, 15_000, asOf);
    }

    /** One PCN (about 50,000 patients across six practices). */
    public static Spec pcnScale(LocalDate asOf) {
        return new Spec("pcn", 42L, 1, 6, 50_000, 550_000, asOf);
    }

    /** An ICB: every valid 999-range NHS number (909,091 patients) and 10,000,000 events. */
    /**
     * A made-up street address (line 1 and town), so that letters can go to the demo's patients who have no mobile;
     * one patient in 20 has none, as exports miss some, and is left out of letters with "no-address".
     */
    static String address(Patient p) {
        if (p.id() % 20 == 0) {
            return ",";
        }
        return (1 + p.id() % 180) + " " + STREETS[(int) (p.id() % STREETS.length)] + ",Manchester";
    }

    /**
     * A home telephone for half of the demo's patients with no mobile at all (one landline in Ofcom's Manchester
     * drama range, 0161 496 0500-0999, clear of the practices' numbers), so that a call wave lists patients the
     * campaign wrote to. Derived from the id, not drawn, so the rest of the dataset stays as it was. Those with a
     * landline in the mobile column need none: the import takes that landline as their telephone.
     */
    static String telephone(Patient p) {
        if (p.mobileExported().isEmpty() && p.id() % 2 == 0) {
            return String.format("0161 496 %04d", 500 + p.id() % 500);
        }
        return "";
    }

    private static final String[] STREETS = {"Oak Road", "Birch Avenue", "Elm Street", "Willow Close", "Ash Grove",
            "Beech Lane", "Cedar Drive", "Hazel Way", "Maple Crescent", "Rowan Terrace"};

    public static Spec icbScale(LocalDate asOf) {
        return new Spec("icb", 42L, 30, 5, MAX_PATIENTS, 10_000_000L, asOf);
    }

    public record Practice(String code, String name, String phone, String pcn) {
    }

    /**
     * A patient as the database will hold it, plus the forms an export would show ({@code *Exported}).
     * {@code id} is 1-based and dense: the raw COPY benchmark uses it as patient.id.
     */
    public record Patient(long id, String nhsNumber, String givenName, String familyName, LocalDate dateOfBirth,
                          char sex, String mobileExported, String mobileE164, String mobileProblem,
                          String language, String languageExported, String ethnicity, String ethnicityGroup,
                          String postcode, int imdDecile, String practiceCode) {
    }

    public record Event(long patientId, String nhsNumber, LocalDate date, String type, String value, String code) {
    }

    private final Spec spec;
    private final List<Practice> practices;

    public SyntheticDataset(Spec spec) {
        this.spec = spec;
        this.practices = buildPractices();
    }

    public Spec spec() {
        return spec;
    }

    public List<Practice> practices() {
        return practices;
    }

    private List<Practice> buildPractices() {
        List<Practice> list = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(spec.seed());
        int n = 0;
        for (int p = 0; p < spec.pcns(); p++) {
            String pcn = spec.pcns() == 1 && spec.name().equals("demo") ? "Demo PCN"
                    : pick(random, PLACES) + " " + (p + 1) + " PCN";
            for (int i = 0; i < spec.practicesPerPcn(); i++, n++) {
                String code = "Y" + String.format("%05d", 90000 + n);
                String name = pick(random, PLACES) + " " + pick(random, PRACTICE_KINDS);
                String phone = String.format("0161 496 %04d", n % 1000);
                list.add(new Practice(code, name, phone, pcn));
            }
        }
        return List.copyOf(list);
    }

    /** Check digit of body 999bbbbbb, or -1 when it would be 10 (no valid number). */
    static int checkDigit(int body) {
        String nine = String.format("999%06d", body);
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (nine.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - (sum % 11);
        return check == 11 ? 0 : check == 10 ? -1 : check;
    }

    /** Every patient, in NHS-number order, handed to {@code sink} one at a time. */
    public void forEachPatient(Consumer<Patient> sink) {
        NhsSequence numbers = new NhsSequence();
        for (int i = 0; i < spec.patients(); i++) {
            sink.accept(patient(i, numbers.next()));
        }
    }

    /** Every event, patient by patient; the total is close to {@link Spec#events()}. */
    public void forEachEvent(Consumer<Event> sink) {
        NhsSequence numbers = new NhsSequence();
        long emitted = 0;
        List<Event> buffer = new ArrayList<>();
        for (int i = 0; i < spec.patients(); i++) {
            Patient p = patient(i, numbers.next());
            long quota = (spec.events() * (i + 1)) / spec.patients() - emitted;
            buffer.clear();
            programmeEvents(p, rng(i, 2), buffer::add);
            history(p, rng(i, 3), quota - buffer.size(), buffer::add);
            buffer.forEach(sink);
            emitted += buffer.size();
        }
    }

    /** Walks the valid NHS numbers in order without rescanning. */
    private static final class NhsSequence {
        private int body = 0;

        String next() {
            while (checkDigit(body) < 0) {
                body++;
            }
            String number = String.format("999%06d%d", body, checkDigit(body));
            body++;
            return number;
        }
    }

    private SplittableRandom rng(int i, int stream) {
        return new SplittableRandom(spec.seed() * 1_000_003L + i * 31L + stream);
    }

    private Patient patient(int i, String nhs) {
        SplittableRandom r = rng(i, 1);
        Background b = pickBackground(r);
        char sex = r.nextInt(200) == 0 ? 'U' : r.nextBoolean() ? 'F' : 'M';
        String given = sex == 'M' ? pick(r, b.male) : sex == 'F' ? pick(r, b.female) : pick(r, r.nextBoolean() ? b.male : b.female);
        String family = pick(r, b.family);
        int age = r.nextInt(10) == 0 ? r.nextInt(18) : 18 + (int) Math.min(82, Math.abs(r.nextGaussian() * 22 + 30));
        LocalDate dob = spec.asOf().minusYears(age).minusDays(r.nextInt(365));
        String mobileExported;
        String e164 = null;
        String problem = null;
        int m = r.nextInt(100);
        int drama = r.nextInt(1000);
        if (m < 86) {
            mobileExported = switch (r.nextInt(3)) {
                case 0 -> String.format("07700 900%03d", drama);
                case 1 -> String.format("+44 7700 900%03d", drama);
                default -> String.format("07700900%03d", drama);
            };
            e164 = String.format("+447700900%03d", drama);
        } else if (m < 92) {
            mobileExported = String.format("0161 496 %04d", drama);
            problem = "landline: cannot receive SMS";
        } else {
            mobileExported = "";
            problem = "no mobile number";
        }
        String ethnicity = pick(r, b.ethnicities);
        String lang = r.nextInt(100) < b.ownLanguagePercent ? b.language : "en";
        String langExported = lang.equals("en") ? (r.nextBoolean() ? "English" : "en") : LANGUAGE_NAMES.getOrDefault(lang, lang);
        String postcode = "M" + (1 + r.nextInt(40)) + " " + (1 + r.nextInt(9)) + (char) ('A' + r.nextInt(26)) + (char) ('A' + r.nextInt(26));
        int imd = 1 + Math.min(9, (int) Math.abs(r.nextGaussian() * (b.group.equals("WHITE") ? 4 : 3)));
        Practice practice = practices.get((int) ((long) i * practices.size() / spec.patients()));
        return new Patient(i + 1L, nhs, given, family, dob, sex, mobileExported, e164, problem, lang, langExported,
                ethnicity, b.group, postcode, imd, practice.code());
    }

    private int ageAt(Patient p, LocalDate day) {
        return java.time.Period.between(p.dateOfBirth(), day).getYears();
    }

    /** Recent events that put people into (and out of) the three programme cohorts. */
    private void programmeEvents(Patient p, SplittableRandom r, Consumer<Event> out) {
        LocalDate today = spec.asOf();
        int age = ageAt(p, today);
        if (age < 18) {
            return;
        }
        // Bowel: a FIT kit issued 0-120 days ago; about half never come back.
        if (age >= 50 && age <= 74 && r.nextInt(100) < 30) {
            int issuedAgo = r.nextInt(121);
            out.accept(ev(p, today.minusDays(issuedAgo), "FIT_KIT_ISSUED", "", ""));
            if (r.nextBoolean() && issuedAgo > 7) {
                int back = issuedAgo - 3 - r.nextInt(issuedAgo - 6);
                out.accept(ev(p, today.minusDays(back), "FIT_KIT_RETURNED", "", ""));
                int fit = r.nextInt(100) < 8 ? 10 + r.nextInt(300) : r.nextInt(10);
                out.accept(ev(p, today.minusDays(Math.max(0, back - 2)), "FIT_RESULT", Integer.toString(fit), "1049361000000101"));
                if (fit >= 120) {
                    out.accept(ev(p, today.minusDays(Math.max(0, back - 4)), "URGENT_REFERRAL", "lower-gi", "892201000000106"));
                }
            }
        } else if (age >= 50 && age <= 74 && r.nextInt(100) < 10) {
            out.accept(ev(p, today.minusDays(r.nextInt(200)), "BOWEL_SCREENING_NO_RESPONSE", "", ""));
        } else if (r.nextInt(100) < 3) {
            // Symptomatic FIT for any adult, issued in primary care.
            out.accept(ev(p, today.minusDays(r.nextInt(100)), "FIT_KIT_ISSUED", "", ""));
        }
        // Breast: invited women 50-70; a third do not attend, a few decline after.
        if (p.sex() == 'F' && age >= 50 && age < 71 && r.nextInt(100) < 35) {
            int invitedAgo = 20 + r.nextInt(380);
            out.accept(ev(p, today.minusDays(invitedAgo), "BREAST_SCREENING_INVITED", "", ""));
            int outcome = r.nextInt(100);
            LocalDate later = today.minusDays(invitedAgo - 14);
            if (outcome < 35) {
                out.accept(ev(p, later, "BREAST_SCREENING_DNA", "", ""));
                if (r.nextInt(10) == 0) {
                    out.accept(ev(p, today.minusDays(Math.max(0, invitedAgo - 30)), "BREAST_SCREENING_DECLINED", "", ""));
                }
            } else if (outcome < 95) {
                out.accept(ev(p, later, "BREAST_SCREENING_ATTENDED", "", "268547008"));
            } else {
                out.accept(ev(p, later, "BREAST_SCREENING_DECLINED", "", ""));
            }
        }
        // Prostate: risk factors and PSA tests for men 45+.
        if (p.sex() == 'M' && age >= 40) {
            if (r.nextInt(100) < 6) {
                out.accept(ev(p, today.minusDays(400 + r.nextInt(3000)), "FAMILY_HISTORY_PROSTATE_CANCER", "", ""));
            }
            if (r.nextInt(400) == 0) {
                out.accept(ev(p, today.minusDays(400 + r.nextInt(3000)), "BRCA_VARIANT", "BRCA2", ""));
            }
            if (age >= 45 && r.nextInt(100) < 15) {
                int ago = r.nextInt(1000);
                String psa = String.format(Locale.ROOT, "%.1f", r.nextInt(100) < 8 ? 4 + r.nextDouble() * 10 : r.nextDouble() * 3.5);
                out.accept(ev(p, today.minusDays(ago), "PSA_TEST", psa, "1030791000000100"));
            }
        }
        // Exclusions for every programme.
        int x = r.nextInt(1000);
        if (x < 8) {
            out.accept(ev(p, today.minusDays(r.nextInt(300)), "DECEASED", "", ""));
        } else if (x < 18) {
            out.accept(ev(p, today.minusDays(r.nextInt(300)), "PALLIATIVE_CARE", "", ""));
        } else if (x < 40) {
            out.accept(ev(p, today.minusDays(r.nextInt(700)), "SMS_OPT_OUT", "", ""));
        } else if (x < 55) {
            String site = p.sex() == 'F' ? (r.nextBoolean() ? "breast" : "colorectal") : (r.nextBoolean() ? "prostate" : "colorectal");
            int ago = 30 + r.nextInt(1000);
            String pathway = switch (site) {
                case "breast" -> "breast";
                case "prostate" -> "urology";
                default -> "lower-gi";
            };
            out.accept(ev(p, today.minusDays(ago + 20), "URGENT_REFERRAL", pathway, ""));
            out.accept(ev(p, today.minusDays(ago), "CANCER_DIAGNOSED", site, ""));
        } else if (x < 70) {
            int ago = 30 + r.nextInt(1000);
            out.accept(ev(p, today.minusDays(ago + 18), "URGENT_REFERRAL", "non-site-specific", "1556551000000104"));
            out.accept(ev(p, today.minusDays(ago), "CANCER_RULED_OUT", "", ""));
        }
    }

    /** Older screening rounds that fill a record to its share of the event total (dates 3+ years back, unique). */
    private void history(Patient p, SplittableRandom r, long count, Consumer<Event> out) {
        LocalDate day = spec.asOf().minusDays(1100 + r.nextInt(30));
        for (long k = 0; k < count; k++) {
            if (day.isBefore(p.dateOfBirth())) {
                return;
            }
            String type = HISTORY_TYPES[r.nextInt(HISTORY_TYPES.length)];
            String value = switch (type) {
                case "FIT_RESULT" -> Integer.toString(r.nextInt(20));
                case "PSA_TEST" -> String.format(Locale.ROOT, "%.1f", r.nextDouble() * 3);
                default -> "";
            };
            out.accept(ev(p, day, type, value, ""));
            day = day.minusDays(20 + r.nextInt(60));
        }
    }

    private static final String[] HISTORY_TYPES = {"FIT_KIT_ISSUED", "FIT_KIT_RETURNED", "FIT_RESULT",
            "BREAST_SCREENING_INVITED", "BREAST_SCREENING_ATTENDED", "PSA_TEST", "CANCER_RULED_OUT"};

    private static Event ev(Patient p, LocalDate date, String type, String value, String code) {
        return new Event(p.id(), p.nhsNumber(), date, type, value, code);
    }

    // ---- CSV as a GP system would export it (the import's input) ----

    public void writePracticesCsv(Writer out) {
        try {
            // An address on each practice's letterhead (issue 14: a letter shows the practice's name, address and phone).
            out.write("practice_code,name,phone,pcn,address_line_1,town,postcode\r\n");
            int n = 0;
            for (Practice p : practices) {
                out.write(csv(p.code()) + "," + csv(p.name()) + "," + csv(p.phone()) + "," + csv(p.pcn()) + ","
                        + (n + 1) + " Health Centre Way,Manchester,M" + (10 + n % 30) + " 1AA\r\n");
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** EMIS-style headers and a mix of date formats, as exports come. */
    public void writePatientsCsv(Writer out) {
        try {
            out.write("NHS Number,Forename,Surname,Date of Birth,Gender,Mobile Telephone,Main Spoken Language,"
                    + "Ethnicity,Address Line 1,Town,Postcode,IMD Decile,Usual GP Practice Code,Home Telephone\r\n");
            StringBuilder line = new StringBuilder(256);
            forEachPatient(p -> {
                line.setLength(0);
                String dob = switch ((int) (p.id() % 3)) {
                    case 0 -> p.dateOfBirth().toString();
                    case 1 -> UK_DATE.format(p.dateOfBirth());
                    default -> EMIS_DATE.format(p.dateOfBirth());
                };
                String sex = switch (p.sex()) {
                    case 'M' -> p.id() % 2 == 0 ? "Male" : "M";
                    case 'F' -> p.id() % 2 == 0 ? "Female" : "F";
                    default -> "Unknown";
                };
                String nhs = p.nhsNumber();
                if (p.id() % 5 == 0) {
                    nhs = nhs.substring(0, 3) + " " + nhs.substring(3, 6) + " " + nhs.substring(6);
                }
                line.append(nhs).append(',').append(csv(p.givenName())).append(',').append(csv(p.familyName()))
                        .append(',').append(dob).append(',').append(sex).append(',').append(p.mobileExported())
                        .append(',').append(csv(p.languageExported())).append(',').append(csv(p.ethnicity()))
                        .append(',').append(address(p)).append(',').append(p.postcode()).append(',')
                        .append(p.imdDecile()).append(',')
                        .append(p.practiceCode()).append(',').append(telephone(p)).append("\r\n");
                write(out, line);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeEventsCsv(Writer out) {
        try {
            out.write("nhs_number,event_date,event_type,value,code\r\n");
            StringBuilder line = new StringBuilder(96);
            forEachEvent(e -> {
                line.setLength(0);
                // Coded rows carry their SNOMED code and leave the type to the code list, as GP exports do.
                boolean byCode = !e.code().isEmpty() && (e.patientId() % 2 == 0);
                line.append(e.nhsNumber()).append(',').append(e.date()).append(',')
                        .append(byCode ? "" : e.type()).append(',').append(e.value()).append(',').append(e.code())
                        .append("\r\n");
                write(out, line);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Writer out, CharSequence s) {
        try {
            out.append(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String csv(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    private static <T> T pick(SplittableRandom r, T[] items) {
        return items[r.nextInt(items.length)];
    }

    // ---- Name and language pools: a Greater Manchester mix (census 2021 languages) ----

    private record Background(int weight, String language, int ownLanguagePercent, String group, String[] ethnicities,
                              String[] male, String[] female, String[] family) {
    }

    private static final java.util.Map<String, String> LANGUAGE_NAMES = java.util.Map.of(
            "ur", "Urdu", "pl", "Polish", "ro", "Romanian", "pa", "Panjabi", "bn", "Bengali", "ar", "Arabic",
            "gu", "Gujarati", "so", "Somali");

    private static final Background[] BACKGROUNDS = {
            new Background(55, "en", 0, "WHITE", new String[]{"White British", "British", "White - English", "White: English, Welsh, Scottish, Northern Irish or British"},
                    new String[]{"James", "Oliver", "David", "John", "Michael", "Peter", "Gareth", "Liam", "Sean", "Paul"},
                    new String[]{"Susan", "Margaret", "Emma", "Claire", "Joanne", "Siobhan", "Rachel", "Karen", "Lucy", "Helen"},
                    new String[]{"Smith", "Jones", "Taylor", "Brown", "O'Neill", "Walsh", "Hughes", "Evans", "Clarke", "Lee-Wright"}),
            new Background(10, "ur", 45, "ASIAN", new String[]{"Pakistani", "Asian or Asian British - Pakistani", "British Pakistani"},
                    new String[]{"Muhammad", "Imran", "Asif", "Tariq", "Bilal", "Zahid"},
                    new String[]{"Ayesha", "Fatima", "Nadia", "Saima", "Rukhsana", "Shazia"},
                    new String[]{"Khan", "Hussain", "Ahmed", "Iqbal", "Raza", "Malik"}),
            new Background(5, "pa", 40, "ASIAN", new String[]{"Indian", "Asian or Asian British - Indian", "Indian or British Indian"},
                    new String[]{"Gurpreet", "Harjit", "Manjit", "Rajinder", "Sukhdev"},
                    new String[]{"Harpreet", "Jaswinder", "Kulwant", "Amarjit", "Simran"},
                    new String[]{"Singh", "Kaur", "Sandhu", "Gill", "Dhillon"}),
            new Background(4, "bn", 45, "ASIAN", new String[]{"Bangladeshi", "Asian or Asian British - Bangladeshi"},
                    new String[]{"Abdul", "Rahim", "Jamal", "Shahid"},
                    new String[]{"Rokeya", "Nasrin", "Shirin", "Taslima"},
                    new String[]{"Begum", "Uddin", "Rahman", "Miah", "Islam"}),
            new Background(3, "gu", 40, "ASIAN", new String[]{"Indian", "Asian - Indian"},
                    new String[]{"Kiran", "Nilesh", "Hitesh", "Rakesh"},
                    new String[]{"Hina", "Priya", "Bhavna", "Nisha"},
                    new String[]{"Patel", "Shah", "Mistry", "Desai"}),
            new Background(6, "pl", 55, "WHITE", new String[]{"White - Polish", "Any other White background", "Other White"},
                    new String[]{"Piotr", "Krzysztof", "Tomasz", "Paweł", "Łukasz"},
                    new String[]{"Agnieszka", "Małgorzata", "Katarzyna", "Joanna", "Żaneta"},
                    new String[]{"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Zieliński"}),
            new Background(3, "ro", 55, "WHITE", new String[]{"White - Romanian", "Other White"},
                    new String[]{"Andrei", "Ionuț", "Mihai", "Ștefan"},
                    new String[]{"Ioana", "Elena", "Mădălina", "Andreea"},
                    new String[]{"Popescu", "Ionescu", "Dumitrescu", "Stănescu"}),
            new Background(4, "ar", 50, "OTHER", new String[]{"Arab", "Other ethnic group - Arab"},
                    new String[]{"Omar", "Yousef", "Khalid", "Hassan"},
                    new String[]{"Layla", "Mariam", "Huda", "Amira"},
                    new String[]{"Al-Sayed", "Haddad", "Mansour", "Nasser"}),
            new Background(6, "en", 0, "BLACK", new String[]{"Black British", "Caribbean", "Black or Black British - Caribbean", "Black Caribbean"},
                    new String[]{"Delroy", "Winston", "Marcus", "Leon", "Tyrone"},
                    new String[]{"Marcia", "Beverley", "Janet", "Shanice"},
                    new String[]{"Campbell", "Williams", "Brown", "Thomas", "Francis"}),
            new Background(4, "so", 30, "BLACK", new String[]{"African", "Black or Black British - African", "Black African", "Somali"},
                    new String[]{"Abdi", "Chukwuemeka", "Kwame", "Tunde", "Mohamed"},
                    new String[]{"Amina", "Ngozi", "Adaeze", "Hodan", "Efua"},
                    new String[]{"Okafor", "Mensah", "Adeyemi", "Warsame", "Osei"}),
            new Background(3, "en", 0, "MIXED", new String[]{"Mixed - White and Black Caribbean", "Mixed or Multiple ethnic groups", "White and Asian"},
                    new String[]{"Jordan", "Kai", "Reece"},
                    new String[]{"Jasmine", "Maya", "Leah"},
                    new String[]{"Campbell-Smith", "Hughes", "Ali"}),
            new Background(3, "en", 0, "UNKNOWN", new String[]{"", "Not stated", "Ethnic category not stated"},
                    new String[]{"Alex", "Sam", "Chris"},
                    new String[]{"Jo", "Sam", "Alex"},
                    new String[]{"Morgan", "Parker", "Bailey"}),
    };
    private static final int BACKGROUND_WEIGHT = java.util.Arrays.stream(BACKGROUNDS).mapToInt(Background::weight).sum();

    private static Background pickBackground(SplittableRandom r) {
        int w = r.nextInt(BACKGROUND_WEIGHT);
        for (Background b : BACKGROUNDS) {
            w -= b.weight();
            if (w < 0) {
                return b;
            }
        }
        return BACKGROUNDS[0];
    }

    private static final String[] PLACES = {"Moss Side", "Rusholme", "Levenshulme", "Cheetham", "Longsight", "Gorton",
            "Ancoats", "Didsbury", "Chorlton", "Harpurhey", "Withington", "Ardwick", "Hulme", "Crumpsall"};
    private static final String[] PRACTICE_KINDS = {"Medical Practice", "Health Centre", "Surgery", "Family Practice"};
}
