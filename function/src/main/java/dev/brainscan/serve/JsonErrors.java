package dev.brainscan.serve;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.http.Responses;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty answers itself (a malformed request line, headers over
 * {@link LocalServer#MAX_HEADER_BYTES}, a body dribbled too slowly): the same JSON error and
 * headers as every other answer, and nothing echoed from the request.
 */
final class JsonErrors implements Request.Handler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer code ? code : 400;
        // the parser's 505 (an HTTP version it does not speak) is the client's doing too
        ErrorCode code = status == 413 ? ErrorCode.IMAGE_TOO_LARGE
                : status == 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST;
        String message = code == ErrorCode.INTERNAL ? Responses.INTERNAL_MESSAGE
                : "The request is not valid HTTP/1.1 within this server's limits (status " + status + ").";
        // Jetty's own status (431, 414, 505, ...) is kept; the body and headers are everyone's
        response.getHeaders().clear();
        ResponseWriter.send(request, response, callback,
                Responses.json(status, Map.of("error", new ScanResult.ErrorBody(code, message)), "local"));
        return true;
    }
}
