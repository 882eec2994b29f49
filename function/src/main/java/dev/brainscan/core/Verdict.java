package dev.brainscan.core;

import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.model.Prediction;
import dev.brainscan.core.result.ScanResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a score means, from the manifest, in one place: the label (the decision threshold),
 * the risk tier (the manifest's bands), the score as a record states it and the tumour type.
 */
public final class Verdict {
    private final double threshold;
    private final List<ModelManifest.RiskTier> tiers;
    private final List<String> tumorTypes;

    public Verdict(ModelManifest manifest) {
        this.threshold = manifest.decisionThreshold();
        this.tiers = manifest.riskTiers();
        this.tumorTypes = manifest.typed() ? manifest.tumorTypes() : null;
    }

    public double threshold() {
        return threshold;
    }

    /** {@code tumor} at or above the decision threshold, else {@code no_tumor}. */
    public String label(double score) {
        return score >= threshold ? ScanResult.TUMOR : ScanResult.NO_TUMOR;
    }

    /** The tier whose range holds {@code score}: the first with score below its upper bound. */
    public String tier(double score) {
        for (ModelManifest.RiskTier tier : tiers) {
            if (score < tier.upperBound()) {
                return tier.name();
            }
        }
        return tiers.get(tiers.size() - 1).name();
    }

    /**
     * The score as the record states it: 6 decimals, and never exactly 0 or 1. A float32
     * sigmoid saturates for large logits, but no calibrated probability is certainty.
     */
    public static double shownScore(double score) {
        return Math.min(Math.max(round(score, 6), 0.000001), 0.999999);
    }

    /** The model's answer as a record states it: label, shown score, tier, tumour type, threshold. */
    public ScanResult.Decision decide(Prediction prediction) {
        double score = prediction.probability();
        return new ScanResult.Decision(label(score), shownScore(score), tier(score), tumorType(prediction), threshold);
    }

    /** The type head's answer in the manifest's order, or null for a model without it. */
    public ScanResult.TumorType tumorType(Prediction prediction) {
        float[] p = prediction.tumorType();
        if (p == null || tumorTypes == null || p.length != tumorTypes.size()) {
            return null;
        }
        Map<String, Double> probabilities = new LinkedHashMap<>();
        int best = 0;
        for (int i = 0; i < p.length; i++) {
            probabilities.put(tumorTypes.get(i), round(p[i], 4));
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return new ScanResult.TumorType(tumorTypes.get(best), probabilities);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
