package dev.brainscan.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.brainscan.core.Classifier;
import dev.brainscan.core.result.ScanException;
import dev.brainscan.log.Channel;
import dev.brainscan.log.ScanLog;
import dev.brainscan.store.ObjectStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP API of docs/contracts.md section 5 over API Gateway's payload 2.0 event: a router
 * on the route key ({@code POST /classify}, the keys template.yaml declares) to one
 * {@link Route} each. The Lambda handler and the local {@code serve} command both call
 * {@link #handle}, so local and deployed behaviour cannot drift. Every error is the error
 * JSON with its status ({@link Responses}); no stack trace or internal message ever reaches a
 * caller.
 */
public final class HttpApi {
    /**
     * Where uploads go and results come from, the synchronous size limit, and whether the API is
     * public (results only under upload ids, upload sizes declared and signed).
     */
    public record Settings(String bucket, String inputPrefix, String resultPrefix, long syncMaxBytes,
                           boolean publicApi, String signInUrl, String signInClientId) {
        /** A private API (IAM-signed callers, the local server). */
        public Settings(String bucket, String inputPrefix, String resultPrefix, long syncMaxBytes) {
            this(bucket, inputPrefix, resultPrefix, syncMaxBytes, false);
        }

        /** Without sign-in on the page. */
        public Settings(String bucket, String inputPrefix, String resultPrefix, long syncMaxBytes, boolean publicApi) {
            this(bucket, inputPrefix, resultPrefix, syncMaxBytes, publicApi, "", "");
        }
    }

    /** The paths API Gateway's route keys name; {@code /index.html} only behind {@code $default} and serve. */
    static final List<String> PATHS = List.of("/classify", "/uploads", "/results/{id+}", "/model", "/health", "/",
            "/index.html");

    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final ScanLog log;

    public HttpApi(Classifier classifier, ObjectStore store, UploadUrls uploads, Settings settings, ScanLog log) {
        this.log = log;
        boolean stored = store != null && !settings.bucket().isEmpty();
        Route page = new PageRoute(settings.signInUrl(), settings.signInClientId());
        routes.put("POST /classify", new ClassifyRoute(classifier, settings.syncMaxBytes(), log));
        routes.put("POST /uploads", new UploadsRoute(uploads, uploads != null && stored, settings.inputPrefix(),
                classifier.limits().maxBytes(), settings.publicApi(), log));
        routes.put("GET /results/{id+}", new ResultsRoute(store, settings.bucket(), settings.resultPrefix(),
                settings.publicApi(), log));
        routes.put("GET /model", new ModelRoute(classifier, settings.syncMaxBytes()));
        routes.put("GET /health", new HealthRoute(classifier));
        routes.put("GET /", page);
        routes.put("GET /index.html", page);
    }

    /** The route keys served, as API Gateway writes them. */
    public List<String> routeKeys() {
        return List.copyOf(routes.keySet());
    }

    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        HttpRequest request = new HttpRequest(event);
        APIGatewayV2HTTPResponse r;
        boolean head = false;
        try {
            String method = request.method();
            head = method.equals("HEAD");
            r = route(request, head ? "GET" : method);
        } catch (ScanException e) {
            r = Responses.error(e.code(), e.getMessage(), request.requestId());
        } catch (RuntimeException | Error e) {
            r = Responses.internalError(log, Channel.HTTP, request.requestId(), e);
        }
        if (head) {
            r.setBody(null); // HEAD: the GET's status and headers, no body
            r.setIsBase64Encoded(false);
        }
        return r;
    }

    private APIGatewayV2HTTPResponse route(HttpRequest request, String method) throws ScanException {
        String path = request.path();
        String template = template(request.routeKey(), path);
        if (template == null) {
            return Responses.noRoute(method, path, request.requestId());
        }
        Route route = routes.get(method + " " + template);
        if (route == null) {
            return Responses.wrongMethod(method, path, routes.containsKey("GET " + template) ? "GET, HEAD" : "POST",
                    request.requestId());
        }
        return route.handle(request);
    }

    /**
     * The path of the route: the one API Gateway matched when the event names it, else (the
     * {@code $default} route, {@code serve}) the one whose path this is; null for none.
     */
    static String template(String routeKey, String path) {
        if (routeKey != null && routeKey.indexOf(' ') > 0) {
            String matched = routeKey.substring(routeKey.indexOf(' ') + 1);
            if (PATHS.contains(matched)) {
                return matched;
            }
        }
        if (path.startsWith(ResultsRoute.PREFIX)) {
            return "/results/{id+}";
        }
        return PATHS.contains(path) ? path : null;
    }
}
