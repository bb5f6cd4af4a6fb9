package io.uptake.booking;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

import java.util.Optional;

/**
 * A campaign's phone number for replies: a UK number a patient can ring at the normal rate, shown in the text in
 * the national format ("0161 496 0000"). It takes the place of the practice's number in the campaign's texts.
 */
public final class ReplyPhone {
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private ReplyPhone() {
    }

    /** The number as a text shows it, or why it cannot be used. */
    public record Checked(String national, String problem) {
    }

    public static Checked check(String raw) {
        if (raw == null || raw.isBlank()) {
            return new Checked(null, null);
        }
        PhoneNumber number;
        try {
            number = PHONES.parse(raw.strip(), "GB");
        } catch (NumberParseException e) {
            return new Checked(null, "is not a phone number: write it like 0161 496 0000");
        }
        if (number.getCountryCode() != 44 || number.hasExtension()) {
            return new Checked(null, "must be a UK number without an extension, like 0161 496 0000");
        }
        String national = PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.NATIONAL);
        // Ofcom's drama ranges (0161 496 0xxx, 07700 900xxx) are the only numbers synthetic data may use; the
        // 0161 one is valid to libphonenumber, the mobile one is not a live range.
        if (national.startsWith("07700 900")) {
            return new Checked(national, null);
        }
        if (!PHONES.isValidNumberForRegion(number, "GB")) {
            return new Checked(null, "is not a valid UK phone number");
        }
        PhoneNumberType type = PHONES.getNumberType(number);
        return switch (type) {
            case FIXED_LINE, MOBILE, FIXED_LINE_OR_MOBILE, TOLL_FREE, UAN -> new Checked(national, null);
            case PREMIUM_RATE, SHARED_COST -> new Checked(null, "must not cost the patient more than a normal call");
            default -> new Checked(null, "must be a landline, mobile, 03 or freephone number");
        };
    }
}
