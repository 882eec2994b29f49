package dev.brainscan.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.brainscan.core.Classifier;
import dev.brainscan.core.result.ScanResult;

/** {@code GET /health}: {@code {"status": "ok", "model": {name, version, sha256}}} once the model is loaded. */
final class HealthRoute implements Route {
    @JsonPropertyOrder({"status", "model"})
    record Health(String status, ScanResult.ModelIdentity model) {
    }

    private final Health health;

    HealthRoute(Classifier classifier) {
        this.health = new Health("ok", classifier.manifest().identity());
    }

    @Override
    public APIGatewayV2HTTPResponse handle(HttpRequest request) {
        return Responses.json(200, health, request.requestId());
    }
}
