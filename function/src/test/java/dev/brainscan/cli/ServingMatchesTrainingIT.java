package dev.brainscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.brainscan.testing.TestModels;
import dev.brainscan.testing.TestPaths;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Serving equals training: {@code classify} over the validation folder reproduces what the
 * training run computed for the shipped model on it (model v2: {@code metrics.servingCheck};
 * model v1: the card's validation AUC), within 0.002 AUC and mean score.
 * Skipped, saying so, where the shared dataset is absent.
 */
class ServingMatchesTrainingIT {

    @Test
    void classifyOverValidation_givesTheModelCardsAuc() throws Exception {
        var dataset = TestPaths.dataset();
        assumeTrue(dataset.isPresent(), "SKIPPED: ../shared/datasets/brain-mri is not here");
        Path dir = dataset.get();
        Map<String, Integer> labels = new HashMap<>();
        for (TestPaths.ValidationScan scan : TestPaths.validationScans()) {
            labels.put(scan.file().toString(), scan.tumour() ? 1 : 0);
        }

        StringWriter out = new StringWriter();
        int exit = Main.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "classify", "--format", "csv",
                "--threads", "2", dir.resolve("val").toString());
        List<String> rows = out.toString().lines().toList();
        List<double[]> scored = new ArrayList<>();
        int rejected = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",", -1);
            if (f[2].isEmpty()) {
                rejected++;
                assertEquals("NO_BRAIN_REGION", f[5], row);
                continue;
            }
            scored.add(new double[] {Double.parseDouble(f[2]), labels.get(f[0])});
        }
        double auc = auc(scored);
        var metrics = TestModels.classifier().manifest().metrics();
        var check = metrics.get("servingCheck");
        if (check != null && !check.isNull()) {
            // model v2: the card's figures are out-of-fold; the shipped model's own aggregate on
            // val (in-sample) is what serving must reproduce
            double mean = scored.stream().mapToDouble(s -> s[0]).average().orElse(Double.NaN);
            double threshold = TestModels.classifier().manifest().decisionThreshold();
            long tumour = scored.stream().filter(s -> s[0] >= threshold).count();
            System.out.printf(Locale.ROOT, "serving vs training on val: classify AUC %.4f, mean score %.4f, %d labelled "
                    + "tumour over %d scans (%d refused); training wrote AUC %s, mean %.4f, %d over %d%n", auc, mean,
                    tumour, scored.size(), rejected, check.get("rocAuc"), check.get("meanScore").asDouble(),
                    check.get("labelledTumour").asInt(), check.get("scans").asInt());
            assertEquals(rejected == 0 ? 0 : 1, exit);
            assertEquals(check.get("scans").asInt(), scored.size() + rejected);
            assertEquals(check.get("refused").asInt(), rejected);
            assertEquals(check.get("meanScore").asDouble(), mean, 0.002);
            assertEquals(check.get("labelledTumour").asInt(), tumour, 2.0);
            assertEquals(check.get("rocAuc").asDouble(), auc, 0.002);
            return;
        }
        double cardAuc = metrics.get("rocAuc").asDouble();
        System.out.printf(Locale.ROOT, "serving vs training on val: classify AUC %.4f over %d scans (%d rejected "
                + "NO_BRAIN_REGION); model card AUC %.4f over %d%n", auc, scored.size(), rejected, cardAuc,
                metrics.get("scans").asInt());
        assertEquals(1, exit, "the rejected scans make classify exit 1");
        assertEquals(metrics.get("scans").asInt(), scored.size());
        assertEquals(metrics.get("rejectedNoBrainRegion").asInt(), rejected);
        assertEquals(cardAuc, auc, 0.002);
    }

    /** Mann-Whitney AUC, ties counted as half. */
    static double auc(List<double[]> scored) {
        List<double[]> sorted = new ArrayList<>(scored);
        sorted.sort((a, b) -> Double.compare(a[0], b[0]));
        double rankSum = 0;
        long pos = 0;
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1)[0] == sorted.get(i)[0]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (sorted.get(k)[1] == 1) {
                    rankSum += rank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = sorted.size() - pos;
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
