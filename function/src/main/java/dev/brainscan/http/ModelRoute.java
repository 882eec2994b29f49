package dev.brainscan.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.Classifier;
import dev.brainscan.core.image.Limits;
import dev.brainscan.core.model.ModelManifest;
import java.util.List;

/** {@code GET /model}: the model's identity, input, threshold, tiers, metrics and the service's limits. */
final class ModelRoute implements Route {
    // Records, not Map.of: Map.of's iteration order changes from one JVM to the next, and so would the JSON's.
    /** The body; a null field (a model without a type head, metrics or architecture) is left out. */
    @JsonPropertyOrder({"name", "version", "sha256", "input", "decisionThreshold", "riskTiers", "tumorTypes", "metrics",
        "architecture", "limits", "notice"})
    record ModelInfo(String name, String version, String sha256, InputSize input, double decisionThreshold,
                     List<ModelManifest.RiskTier> riskTiers, List<String> tumorTypes, JsonNode metrics,
                     JsonNode architecture, LimitsInfo limits, String notice) {
    }

    @JsonPropertyOrder({"height", "width", "channels"})
    record InputSize(int height, int width, int channels) {
    }

    @JsonPropertyOrder({"maxBytes", "maxPixels", "minSide", "syncMaxBytes"})
    record LimitsInfo(long maxBytes, long maxPixels, int minSide, long syncMaxBytes) {
    }

    private final Classifier classifier;
    private final long syncMaxBytes;

    ModelRoute(Classifier classifier, long syncMaxBytes) {
        this.classifier = classifier;
        this.syncMaxBytes = syncMaxBytes;
    }

    @Override
    public APIGatewayV2HTTPResponse handle(HttpRequest request) {
        ModelManifest m = classifier.manifest();
        Limits limits = classifier.limits();
        return Responses.json(200, new ModelInfo(m.name(), m.version(), m.sha256(),
                new InputSize(m.input().height(), m.input().width(), 3), m.decisionThreshold(), m.riskTiers(),
                m.typed() ? m.tumorTypes() : null, m.metrics(), m.architecture(),
                new LimitsInfo(limits.maxBytes(), limits.maxPixels(), limits.minSide(), syncMaxBytes), m.notice()),
                request.requestId());
    }
}
