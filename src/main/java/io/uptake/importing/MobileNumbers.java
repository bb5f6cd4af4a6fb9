package io.uptake.importing;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/** UK mobile numbers to E.164 with libphonenumber; anything that cannot take an SMS gets its reason. */
final class MobileNumbers {
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private MobileNumbers() {
    }

    /** A usable E.164 mobile, or null and the reason there is none. */
    record Mobile(String e164, String problem) {
    }

    static Mobile read(String raw) {
        if (raw == null || raw.isBlank()) {
            return new Mobile(null, "no mobile number");
        }
        PhoneNumber number = ukDigits(raw);
        if (number == null) {
            try {
                number = PHONES.parse(raw, "GB");
            } catch (NumberParseException e) {
                return new Mobile(null, "not a phone number");
            }
        }
        String e164 = "+" + number.getCountryCode() + number.getNationalNumber();
        // Ofcom's drama range 07700 900000-900999 is not a live range, so libphonenumber calls it invalid;
        // it is the only range synthetic data may use, and it behaves as a mobile everywhere in Uptake.
        if (dramaMobile(e164)) {
            return new Mobile(e164, null);
        }
        if (!PHONES.isValidNumber(number)) {
            return new Mobile(null, "not a valid phone number");
        }
        PhoneNumberType type = PHONES.getNumberType(number);
        // +44 includes the Crown Dependencies (Guernsey, Jersey, Isle of Man), whose mobiles take UK texts.
        if (number.getCountryCode() != 44) {
            return new Mobile(null, "non-UK number (" + PHONES.getRegionCodeForNumber(number) + "): cannot be texted");
        }
        if (type == PhoneNumberType.MOBILE) {
            return new Mobile(e164, null);
        }
        if (type == PhoneNumberType.FIXED_LINE) {
            return new Mobile(null, "landline: cannot receive SMS");
        }
        return new Mobile(null, "not a mobile number (" + type.name().toLowerCase().replace('_', ' ') + ")");
    }

    /**
     * The plain UK forms (07700 900123, +44 7700 900123, 0044...) read without PhoneNumberUtil.parse, which
     * costs tens of microseconds a row; validity and type still come from libphonenumber's metadata.
     * Anything else (brackets, extensions, other countries) is left to parse. Null when not plain.
     */
    /** Ofcom's drama mobiles, 07700 900000-900999, as E.164: not live, so libphonenumber calls them invalid. */
    static boolean dramaMobile(String e164) {
        return e164.length() == 13 && e164.startsWith("+447700900");
    }

    static PhoneNumber ukDigits(String raw) {
        StringBuilder d = new StringBuilder(16);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= '0' && c <= '9') {
                d.append(c);
            } else if (c == '+' && d.isEmpty() && i == raw.indexOf('+')) {
                d.append(c);
            } else if (c != ' ' && c != '-') {
                return null;
            }
        }
        String s = d.toString();
        String national;
        if (s.startsWith("+44") && s.length() == 13) {
            national = s.substring(3);
        } else if (s.startsWith("0044") && s.length() == 14) {
            national = s.substring(4);
        } else if (s.startsWith("0") && !s.startsWith("00") && s.length() == 11) {
            national = s.substring(1);
        } else {
            return null;
        }
        if (national.charAt(0) == '0') {
            return null;
        }
        return new PhoneNumber().setCountryCode(44).setNationalNumber(Long.parseLong(national));
    }
}
