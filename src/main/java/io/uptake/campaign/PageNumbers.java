package io.uptake.campaign;

import java.util.ArrayList;
import java.util.List;

/**
 * The page numbers a numbered pagination shows (the NHS.UK pagination component): the first and last pages, the
 * current one and its neighbours, and a gap (null) where pages are left out. A pure rule, table-tested.
 */
final class PageNumbers {
    private PageNumbers() {
    }

    /** For page {@code current} of {@code pages} (both from 1): e.g. 1, null, 4, 5, 6, null, 10. */
    static List<Integer> around(int current, int pages) {
        List<Integer> out = new ArrayList<>();
        if (pages <= 1) {
            return out;
        }
        int from = Math.max(2, current - 1);
        int to = Math.min(pages - 1, current + 1);
        out.add(1);
        if (from > 2) {
            out.add(from == 3 ? 2 : null);
        }
        for (int n = from; n <= to; n++) {
            out.add(n);
        }
        if (to < pages - 1) {
            out.add(to == pages - 2 ? pages - 1 : null);
        }
        out.add(pages);
        return out;
    }
}
