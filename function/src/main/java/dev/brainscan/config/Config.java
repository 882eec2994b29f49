package dev.brainscan.config;

import dev.brainscan.core.image.Limits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting, read once from the environment into one record. A bad value fails at
 * start-up with a message naming the variable; defaults are documented in docs/operations.md (Configuration).
 *
 * @param modelDir        MODEL_DIR: a model directory to use instead of the bundled model
 * @param limits          MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MIN_IMAGE_SIDE
 * @param bucket          BUCKET: the stack's bucket (HTTP uploads/results); empty where unused
 * @param inputPrefix     INPUT_PREFIX (default {@code scans/})
 * @param resultPrefix    RESULT_PREFIX (default {@code results/})
 * @param syncMaxBytes    SYNC_MAX_BYTES: largest image POST /classify accepts (over it: 413 to /uploads)
 * @param uploadUrlTtlSeconds UPLOAD_URL_TTL_SECONDS: lifetime of presigned upload URLs
 * @param writeHeatmaps   WRITE_HEATMAPS: the S3 flow also writes {@code <result>.heatmap.png}
 * @param writeDicomSr    WRITE_DICOM_SR: the S3 flow also writes a DICOM SR per classified DICOM scan,
 *                        {@code <result>.sr.dcm} (docs/dicom.md, "DICOM out")
 * @param logObjectKeys   LOG_OBJECT_KEYS: log object keys in clear (default: a hash)
 * @param intraOpThreads  ORT_INTRA_OP_THREADS: ONNX Runtime threads per inference
 * @param publicApi       PUBLIC_API: the API is open to anyone (template: ApiAuth=NONE): GET /results
 *                        serves only the ids POST /uploads hands out, and POST /uploads needs the size
 * @param logKey          BRAINSCAN_LOG_KEY: the secret object keys are hashed under in logs (at least
 *                        {@value #MIN_LOG_KEY_CHARS} characters); empty: a random one per process
 * @param logKeyParameter BRAINSCAN_LOG_KEY_PARAMETER: the SSM SecureString holding the log key; empty: none
 * @param s3Timeouts      S3_CALL_TIMEOUT_SECONDS (default 10: one S3 call, its retries included) and
 *                        S3_ATTEMPT_TIMEOUT_SECONDS (default 4: one try), well inside the functions' timeouts
 * @param signIn          SIGN_IN_URL and SIGN_IN_CLIENT_ID (template: ApiAuth=JWT): the page signs in at that
 *                        OAuth 2.0 server (the Cognito hosted UI) as that public client; both empty: no sign-in
 */
public record Config(
        Optional<Path> modelDir,
        Limits limits,
        String bucket,
        String inputPrefix,
        String resultPrefix,
        long syncMaxBytes,
        int uploadUrlTtlSeconds,
        boolean writeHeatmaps,
        boolean writeDicomSr,
        boolean logObjectKeys,
        int intraOpThreads,
        boolean publicApi,
        Optional<Secret> logKey,
        String logKeyParameter,
        S3Timeouts s3Timeouts,
        SignIn signIn) {

    /** Where the page signs its users in; {@link #NONE} where the API needs no sign-in. */
    public record SignIn(String url, String clientId) {
        public static final SignIn NONE = new SignIn("", "");

        public boolean enabled() {
            return !url.isEmpty();
        }
    }

    /** A value never printed: {@code toString} shows only that it is set. */
    public record Secret(String value) {
        @Override
        public String toString() {
            return "Secret[redacted]";
        }
    }

    /** How long one S3 call (with the SDK's retries) and one attempt of it may take. */
    public record S3Timeouts(Duration call, Duration attempt) {
    }

    /** API Gateway's and Lambda's 6 MB synchronous payload, less base64 and the JSON envelope. */
    public static final long DEFAULT_SYNC_MAX_BYTES = 4_000_000L;
    /** The shortest log key accepted. */
    public static final int MIN_LOG_KEY_CHARS = 16;

    /** This configuration with other limits (the CLI's {@code --max-bytes} and friends). */
    public Config withLimits(Limits newLimits) {
        return new Config(modelDir, newLimits, bucket, inputPrefix, resultPrefix, syncMaxBytes, uploadUrlTtlSeconds,
                writeHeatmaps, writeDicomSr, logObjectKeys, intraOpThreads, publicApi, logKey, logKeyParameter,
                s3Timeouts, signIn);
    }

    /** This configuration with another model directory (the CLI's {@code --model}). */
    public Config withModelDir(Path dir) {
        return new Config(Optional.of(dir), limits, bucket, inputPrefix, resultPrefix, syncMaxBytes,
                uploadUrlTtlSeconds, writeHeatmaps, writeDicomSr, logObjectKeys, intraOpThreads, publicApi, logKey,
                logKeyParameter, s3Timeouts, signIn);
    }

    /** This configuration for {@code serve}: a local folder as the bucket, heatmaps written beside results. */
    public Config forLocalBucket(String localBucket) {
        return new Config(modelDir, limits, localBucket, inputPrefix, resultPrefix, syncMaxBytes, uploadUrlTtlSeconds,
                true, writeDicomSr, logObjectKeys, intraOpThreads, publicApi, logKey, logKeyParameter, s3Timeouts,
                signIn);
    }

    public static Config fromEnv() {
        return fromEnv(System.getenv());
    }

    public static Config fromEnv(Map<String, String> env) {
        Reader r = new Reader(env);
        Limits limits;
        long maxBytes = r.positiveLong("MAX_IMAGE_BYTES", Limits.DEFAULT_MAX_BYTES);
        long maxPixels = r.positiveLong("MAX_IMAGE_PIXELS", Limits.DEFAULT_MAX_PIXELS);
        int minSide = (int) r.positiveLong("MIN_IMAGE_SIDE", Limits.DEFAULT_MIN_SIDE);
        limits = new Limits(maxBytes, maxPixels, minSide);
        String input = r.prefix("INPUT_PREFIX", "scans/");
        String result = r.prefix("RESULT_PREFIX", "results/");
        long callSeconds = r.range("S3_CALL_TIMEOUT_SECONDS", 10, 1, 900);
        long attemptSeconds = r.range("S3_ATTEMPT_TIMEOUT_SECONDS", 4, 1, 900);
        if (attemptSeconds > callSeconds) {
            throw new IllegalArgumentException("S3_ATTEMPT_TIMEOUT_SECONDS (" + attemptSeconds
                    + ") must not exceed S3_CALL_TIMEOUT_SECONDS (" + callSeconds + ")");
        }
        if (input.startsWith(result) || result.startsWith(input)) {
            throw new IllegalArgumentException("INPUT_PREFIX and RESULT_PREFIX must not contain one another"
                    + " (results would trigger the function again)");
        }
        return new Config(
                r.string("MODEL_DIR").map(Path::of),
                limits,
                r.string("BUCKET").orElse(""),
                input,
                result,
                r.positiveLong("SYNC_MAX_BYTES", DEFAULT_SYNC_MAX_BYTES),
                (int) r.range("UPLOAD_URL_TTL_SECONDS", 300, 1, 3600),
                r.bool("WRITE_HEATMAPS", false),
                r.bool("WRITE_DICOM_SR", false),
                r.bool("LOG_OBJECT_KEYS", false),
                (int) r.range("ORT_INTRA_OP_THREADS", 1, 1, 64),
                r.bool("PUBLIC_API", false),
                logKey(r),
                r.string("BRAINSCAN_LOG_KEY_PARAMETER").orElse(""),
                new S3Timeouts(Duration.ofSeconds(callSeconds), Duration.ofSeconds(attemptSeconds)),
                signIn(r));
    }

    private static Optional<Secret> logKey(Reader r) {
        // read untrimmed: the key is the bytes given
        String v = r.env().get("BRAINSCAN_LOG_KEY");
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        if (v.length() < MIN_LOG_KEY_CHARS) {
            throw new IllegalArgumentException("BRAINSCAN_LOG_KEY must be at least " + MIN_LOG_KEY_CHARS + " characters");
        }
        return Optional.of(new Secret(v));
    }

    private static SignIn signIn(Reader r) {
        Optional<String> url = r.string("SIGN_IN_URL");
        Optional<String> client = r.string("SIGN_IN_CLIENT_ID");
        if (url.isPresent() != client.isPresent()) {
            throw new IllegalArgumentException("SIGN_IN_URL and SIGN_IN_CLIENT_ID must be set together");
        }
        if (url.isEmpty()) {
            return SignIn.NONE;
        }
        if (!url.get().matches("https://[A-Za-z0-9.-]+(:[0-9]+)?")
                && !url.get().matches("http://(127\\.0\\.0\\.1|localhost)(:[0-9]+)?")) {
            throw new IllegalArgumentException("SIGN_IN_URL must be an https:// origin such as "
                    + "https://example.auth.eu-west-1.amazoncognito.com, not \"" + url.get() + "\"");
        }
        if (!client.get().matches("[A-Za-z0-9_+-]{1,128}")) {
            throw new IllegalArgumentException("SIGN_IN_CLIENT_ID must be an OAuth client id, not \"" + client.get() + "\"");
        }
        return new SignIn(url.get(), client.get());
    }

    private record Reader(Map<String, String> env) {
        Optional<String> string(String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
        }

        long positiveLong(String name, long fallback) {
            return range(name, fallback, 1, Long.MAX_VALUE);
        }

        long range(String name, long fallback, long min, long max) {
            Optional<String> v = string(name);
            if (v.isEmpty()) {
                return fallback;
            }
            try {
                long parsed = Long.parseLong(v.get().replace("_", ""));
                if (parsed < min || parsed > max) {
                    throw new IllegalArgumentException(name + " must be between " + min + " and " + max
                            + ", not " + parsed);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, not \"" + v.get() + "\"");
            }
        }

        boolean bool(String name, boolean fallback) {
            Optional<String> v = string(name);
            if (v.isEmpty()) {
                return fallback;
            }
            return switch (v.get().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw new IllegalArgumentException(name + " must be true or false, not \"" + v.get() + "\"");
            };
        }

        String prefix(String name, String fallback) {
            String v = string(name).orElse(fallback);
            if (v.startsWith("/") || !v.endsWith("/")) {
                throw new IllegalArgumentException(name + " must be a key prefix like \"scans/\", not \"" + v + "\"");
            }
            return v;
        }
    }
}
