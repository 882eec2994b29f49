package dev.brainscan.flow;

import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps a stored result within the size {@code GET /results} reads ({@link #MAX_RESULT_BYTES}):
 * a series result whose embedded per-slice records would pass it keeps its series part whole
 * (counts, top slice) and as many slice records as fit, the classified ones first, then the
 * failed ones in order, and says how many it left out ({@code series.slicesOmitted}). A zip
 * of 3 entries x 1,000 frames wrote a 2.73 MB result that the route could never serve.
 */
public final class ResultBound {
    /** The most bytes a stored result may have; {@code GET /results} reads this much. */
    public static final long MAX_RESULT_BYTES = 2_000_000;

    private ResultBound() {
    }

    /** The result's JSON, cut to {@code maxBytes} as above when it is a series record over it. */
    public static byte[] json(ScanResult result, long maxBytes) {
        byte[] whole = Json.writeBytes(result);
        if (whole.length <= maxBytes || result.series() == null || result.slices() == null
                || result.slices().isEmpty()) {
            return whole;
        }
        List<ScanResult> slices = result.slices();
        List<Integer> priority = new ArrayList<>();
        for (int i = 0; i < slices.size(); i++) {
            priority.add(i);
        }
        priority.sort(Comparator.comparing((Integer i) -> slices.get(i).failed()).thenComparing(i -> i));
        // the largest k whose first k slices by priority fit (binary search; k = 0 always fits a sane record)
        int lo = 0;
        int hi = slices.size() - 1;
        byte[] best = cut(result, slices, priority, 0);
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            byte[] json = cut(result, slices, priority, mid);
            if (json.length <= maxBytes) {
                lo = mid;
                best = json;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    private static byte[] cut(ScanResult result, List<ScanResult> slices, List<Integer> priority, int keep) {
        List<Integer> kept = new ArrayList<>(priority.subList(0, keep));
        kept.sort(null);
        List<ScanResult> out = new ArrayList<>(keep);
        for (int i : kept) {
            out.add(slices.get(i));
        }
        return Json.writeBytes(result.withSlices(result.series().withSlicesOmitted(slices.size() - keep), out));
    }
}
