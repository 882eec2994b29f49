package dev.brainscan.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.brainscan.http.HttpApi;
import dev.brainscan.log.Invocations;

/** API Gateway HTTP API (payload 2.0) requests: the routes of {@link HttpApi}. */
public final class ServeApiRequestHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final HttpApi api;

    public ServeApiRequestHandler() {
        this(LambdaApp.instance().http());
    }

    public ServeApiRequestHandler(HttpApi api) {
        this.api = api;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        Invocations.started();
        return api.handle(event);
    }
}
