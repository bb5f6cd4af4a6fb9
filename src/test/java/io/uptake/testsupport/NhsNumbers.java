package io.uptake.testsupport;

import java.util.concurrent.atomic.AtomicLong;

/** Valid synthetic NHS numbers in the 999 test range, and mobiles in Ofcom's drama range. */
public final class NhsNumbers {
    private static final AtomicLong NEXT = new AtomicLong(1);

    private NhsNumbers() {
    }

    /** The next valid 999xxxxxxC number (skipping bodies whose check digit would be 10). */
    public static String next() {
        while (true) {
            String body = "999" + String.format("%06d", NEXT.getAndIncrement());
            Integer check = checkDigit(body);
            if (check != null) {
                return body + check;
            }
        }
    }

    public static Integer checkDigit(String nine) {
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (nine.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - (sum % 11);
        if (check == 11) {
            return 0;
        }
        return check == 10 ? null : check;
    }

    /** 07700 900000 to 900999. */
    public static String mobile(int n) {
        return String.format("07700 900%03d", Math.floorMod(n, 1000));
    }
}
