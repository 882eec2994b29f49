package dev.brainscan.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.brainscan.core.result.ScanException;

/**
 * One route of the HTTP API (docs/contracts.md section 5), chosen by {@link HttpApi} on its
 * route key. A refusal is thrown as a {@link ScanException}, answered by {@link Responses}.
 */
interface Route {
    APIGatewayV2HTTPResponse handle(HttpRequest request) throws ScanException;
}
