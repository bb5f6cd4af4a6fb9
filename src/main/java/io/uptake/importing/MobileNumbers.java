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
        PhoneNumber number;
        try {
            number = PHONES.parse(raw, "GB");
        } catch (NumberParseException e) {
            return new Mobile(null, "not a phone number");
        }
        String e164 = PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
        // Ofcom's drama range 07700 900000-900999 is not a live range, so libphonenumber calls it invalid;
        // it is the only range synthetic data may use, and it behaves as a mobile everywhere in Uptake.
        if (e164.matches("\\+447700900\\d{3}")) {
            return new Mobile(e164, null);
        }
        if (!PHONES.isValidNumber(number)) {
            return new Mobile(null, "not a valid phone number");
        }
        String region = PHONES.getRegionCodeForNumber(number);
        PhoneNumberType type = PHONES.getNumberType(number);
        if (!"GB".equals(region)) {
            return new Mobile(null, "non-UK number (" + region + "): cannot be texted");
        }
        if (type == PhoneNumberType.MOBILE) {
            return new Mobile(e164, null);
        }
        if (type == PhoneNumberType.FIXED_LINE) {
            return new Mobile(null, "landline: cannot receive SMS");
        }
        return new Mobile(null, "not a mobile number (" + type.name().toLowerCase().replace('_', ' ') + ")");
    }
}
