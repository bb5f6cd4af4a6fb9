package io.uptake.report;

import java.util.List;

/**
 * 95% intervals for a proportion (Wilson score) and for a difference of two independent proportions
 * (Newcombe's hybrid score, method 10 of Newcombe 1998). Hand-written: commons-math3 has a Wilson interval
 * but no Newcombe, and both are a few lines of closed-form arithmetic checked against published values.
 */
final class Proportions {
    /** The 97.5th percentile of the standard normal distribution. */
    static final double Z95 = 1.959963984540054;

    private Proportions() {
    }

    /** Wilson score interval [low, high], or null when there is no denominator. */
    static List<Double> wilson(long successes, long trials) {
        if (trials <= 0) {
            return null;
        }
        double n = trials;
        double p = successes / n;
        double z2 = Z95 * Z95;
        double centre = p + z2 / (2 * n);
        double spread = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        double denominator = 1 + z2 / n;
        return List.of(Math.max(0, (centre - spread) / denominator), Math.min(1, (centre + spread) / denominator));
    }

    /**
     * Newcombe hybrid score interval for p1 - p2: each arm's Wilson limits combined by the square-and-add
     * rule. Null when either arm is empty.
     */
    static List<Double> newcombe(long k1, long n1, long k2, long n2) {
        if (n1 <= 0 || n2 <= 0) {
            return null;
        }
        double p1 = (double) k1 / n1;
        double p2 = (double) k2 / n2;
        List<Double> w1 = wilson(k1, n1);
        List<Double> w2 = wilson(k2, n2);
        double d = p1 - p2;
        double low = d - Math.sqrt(square(p1 - w1.get(0)) + square(w2.get(1) - p2));
        double high = d + Math.sqrt(square(w1.get(1) - p1) + square(p2 - w2.get(0)));
        return List.of(low, high);
    }

    static Double rate(long successes, long trials) {
        return trials <= 0 ? null : (double) successes / trials;
    }

    private static double square(double x) {
        return x * x;
    }
}
