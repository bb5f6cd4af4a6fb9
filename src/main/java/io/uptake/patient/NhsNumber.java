package io.uptake.patient;

/** NHS number rules: 10 digits, Modulus 11 check digit; and the only form fit for a log line. */
public final class NhsNumber {
    private NhsNumber() {
    }

    /** Digits only (spaces and dashes removed), or null when the input has no digits. */
    public static String normalise(String raw) {
        if (raw == null) {
            return null;
        }
        StringBuilder digits = new StringBuilder(10);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '-' && !Character.isWhitespace(c)) {
                digits.append(c);
            }
        }
        return digits.isEmpty() ? null : digits.toString();
    }

    public static boolean isValid(String digits) {
        if (!isTenDigits(digits)) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (digits.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - (sum % 11);
        if (check == 11) {
            check = 0;
        }
        return check != 10 && check == digits.charAt(9) - '0';
    }

    public static boolean isTenDigits(String s) {
        if (s == null || s.length() != 10) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** All but the last four digits hidden: the form allowed in logs. */
    public static String mask(String nhsNumber) {
        if (nhsNumber == null || nhsNumber.length() < 4) {
            return "******";
        }
        return "******" + nhsNumber.substring(nhsNumber.length() - 4);
    }
}
