package dev.brainscan.flow;

import dev.brainscan.core.Heatmap;
import dev.brainscan.store.ObjectStore;

/** Writes {@code <result key without .json>.heatmap.png} beside each result (WRITE_HEATMAPS=true). */
public final class HeatmapObjects {
    private HeatmapObjects() {
    }

    public static String key(String resultKey) {
        return resultKey.substring(0, resultKey.length() - ".json".length()) + ".heatmap.png";
    }

    public static UploadProcessor.HeatmapWriter writer(ObjectStore store) {
        return (bucket, resultKey, c) -> {
            if (c.crop() != null && c.prediction() != null) {
                store.put(bucket, key(resultKey), Heatmap.png(c.crop(), c.prediction()), "image/png");
            }
        };
    }
}
