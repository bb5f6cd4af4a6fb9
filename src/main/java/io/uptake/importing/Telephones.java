package io.uptake.importing;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * A patient's telephone, for the call list: any UK landline or mobile, to E.164 with libphonenumber; anything
 * else gets the sentence the import's answer shows on the line. It is never texted (texts go to the mobile alone),
 * so a landline is as good as a mobile here.
 */
final class Telephones {
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private Telephones() {
    }

    /** A number to call in E.164, or null and why the value is not one ({@code problem} null when it was empty). */
    record Telephone(String e164, String problem) {
    }

    static Telephone read(String raw) {
        if (raw == null || raw.isBlank()) {
            return new Telephone(null, null);
        }
        PhoneNumber number = MobileNumbers.ukDigits(raw);
        if (number == null) {
            try {
                number = PHONES.parse(raw, "GB");
            } catch (NumberParseException e) {
                return problem(raw, "is not a phone number: give a UK landline or mobile such as 0161 496 0000");
            }
        }
        if (number.hasExtension() && !number.getExtension().isEmpty()) {
            return problem(raw, "has an extension, which the call list cannot dial: give the number alone");
        }
        if (number.getCountryCode() != 44) {
            return problem(raw, "is not a UK number: the call list rings UK landlines and mobiles only");
        }
        String e164 = "+" + number.getCountryCode() + number.getNationalNumber();
        // Ofcom's drama ranges are not live, so libphonenumber calls two of them invalid: 07700 900000-900999
        // (mobile) and 01632 960000-960999 (a landline with no area). Synthetic data may use only these ranges.
        if (MobileNumbers.dramaMobile(e164) || e164.length() == 13 && e164.startsWith("+441632960")) {
            return new Telephone(e164, null);
        }
        if (!PHONES.isValidNumber(number)) {
            return problem(raw, "is not a valid UK phone number");
        }
        PhoneNumberType type = PHONES.getNumberType(number);
        return switch (type) {
            case FIXED_LINE, MOBILE, FIXED_LINE_OR_MOBILE -> new Telephone(e164, null);
            // A patient's number is their home's or their own: a premium, shared-cost, personal or pager number is
            // more likely a mistake (or a cost to the practice) than a way to reach them.
            default -> problem(raw, "is not a landline or mobile number ("
                    + type.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")");
        };
    }

    private static Telephone problem(String raw, String why) {
        return new Telephone(null, "'" + raw.strip() + "' " + why);
    }
}
