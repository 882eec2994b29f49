package dev.brainscan.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.image.BrainCropper;
import dev.brainscan.core.image.PreprocessingV2;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code brainscan.json}: the one place for model facts (docs/contracts.md section 1). Validated on
 * load so a bad manifest fails at start-up, naming the field.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(
        String name,
        String version,
        String file,
        String sha256,
        String notice,
        Input input,
        Preprocessing preprocessing,
        double decisionThreshold,
        List<RiskTier> riskTiers,
        List<String> tumorTypes,
        JsonNode outputs,
        JsonNode metrics,
        JsonNode architecture) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    public static final int TUMOR_TYPE_COUNT = 3;

    /** Whether the model has the v2 {@code tumor_type} output. */
    public boolean typed() {
        return tumorTypes != null && !tumorTypes.isEmpty();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Input(String name, int height, int width, int channels, String layout, float[] mean, float[] std) {
    }

    /**
     * {@code preprocessing}: the version, the crop, preprocessing v2's constants as the one
     * parameter object {@link PreprocessingV2.Parameters} (read from {@code frame}, {@code dark}
     * and {@code stretch}; an absent field takes {@link PreprocessingV2.Parameters#DEFAULT}'s
     * value), the adaptive threshold's method ({@code dark.adaptive}), the resize and the colour.
     */
    public record Preprocessing(Integer version, Crop crop, PreprocessingV2.Parameters v2, String adaptive,
                                Resize resize, String colour) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Crop(String method, int blurKernel, int threshold, int erodeIterations, int dilateIterations,
                       double minRegionFraction) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Resize(String filter) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    /** A score band; {@code promise} is the one sentence the card states for it (model v2), or null. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RiskTier(String name, double upperBound, String promise) {
        public RiskTier(String name, double upperBound) {
            this(name, upperBound, null);
        }
    }

    /**
     * Reads and validates a manifest ({@code brainscan.json}); throws {@link ModelLoadException}
     * naming the first field that is missing or wrong.
     *
     * <p>Read from the JSON tree by hand rather than bound to these records by Jackson: binding
     * builds every record through reflection, which costs about 130 ms in a fresh JVM (each
     * constructor's first call spins method handles) against a few for the tree, on every
     * start of the CLI and every Lambda init.
     */
    public static ModelManifest parse(byte[] json) {
        JsonNode root;
        try {
            root = Json.tree(json);
        } catch (IOException e) {
            throw new ModelLoadException("model manifest is not valid JSON: "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelLoadException("model manifest is not a JSON object");
        }
        return fromTree(root).validate();
    }

    /** The manifest's fields from its JSON tree (unknown fields ignored, absent ones null or 0). */
    static ModelManifest fromTree(JsonNode m) {
        JsonNode in = object(m, "input");
        Input input = in == null ? null : new Input(text(in, "name"), integer(in, "height"),
                integer(in, "width"), integer(in, "channels"), text(in, "layout"),
                floats(in, "mean"), floats(in, "std"));
        JsonNode pre = object(m, "preprocessing");
        Preprocessing preprocessing = null;
        if (pre != null) {
            JsonNode c = object(pre, "crop");
            JsonNode f = object(pre, "frame");
            JsonNode d = object(pre, "dark");
            JsonNode st = object(pre, "stretch");
            JsonNode r = object(pre, "resize");
            preprocessing = new Preprocessing(boxedInt(pre, "version"),
                    c == null ? null : new Crop(text(c, "method"), integer(c, "blurKernel"),
                            integer(c, "threshold"),
                            integer(c, "erodeIterations"),
                            integer(c, "dilateIterations"),
                            number(c, "minRegionFraction")),
                    v2Parameters(f, d, st), d == null ? null : text(d, "adaptive"),
                    r == null ? null : new Resize(text(r, "filter")),
                    text(pre, "colour"));
        }
        List<RiskTier> tiers = null;
        JsonNode t = m.get("riskTiers");
        if (t != null && !t.isNull()) {
            requireType(t.isArray(), "riskTiers");
            tiers = new ArrayList<>();
            for (JsonNode tier : t) {
                requireType(tier.isObject(), "riskTiers");
                tiers.add(new RiskTier(text(tier, "name"), number(tier, "upperBound"),
                        text(tier, "promise")));
            }
            tiers = List.copyOf(tiers);
        }
        List<String> types = null;
        JsonNode ty = m.get("tumorTypes");
        if (ty != null && !ty.isNull()) {
            requireType(ty.isArray(), "tumorTypes");
            types = new ArrayList<>();
            for (JsonNode name : ty) {
                types.add(name.isNull() ? null : name.asText());
            }
            types = java.util.Collections.unmodifiableList(types);
        }
        return new ModelManifest(text(m, "name"), text(m, "version"), text(m, "file"), text(m, "sha256"),
                text(m, "notice"), input, preprocessing, number(m, "decisionThreshold"), tiers,
                types, node(m, "outputs"), node(m, "metrics"), node(m, "architecture"));
    }

    /** Preprocessing v2's constants from {@code frame}, {@code dark} and {@code stretch} (each may be absent). */
    private static PreprocessingV2.Parameters v2Parameters(JsonNode f, JsonNode k, JsonNode s) {
        PreprocessingV2.Parameters d = PreprocessingV2.Parameters.DEFAULT;
        try {
            return new PreprocessingV2.Parameters(integer(f, "darkThreshold", d.frameDark()),
                    number(f, "minInside", d.frameMinInside()), number(f, "minOutside", d.frameMinOutside()),
                    number(f, "minLit", d.frameMinLit()), number(f, "minEdgeDark", d.frameMinEdgeDark()),
                    number(f, "minSideLit", d.frameMinSideLit()), number(f, "piecesMinArea", d.framePiecesMinArea()),
                    number(f, "piecesMinEdgeDark", d.framePiecesMinEdgeDark()),
                    number(f, "piecesMaxInside", d.framePiecesMaxInside()), integer(k, "p99Below", d.darkP99Below()),
                    integer(k, "min", d.adaptiveMin()), integer(k, "max", d.adaptiveMax()),
                    number(s, "low", d.stretchLow()), number(s, "high", d.stretchHigh()),
                    integer(s, "minRange", d.stretchMinRange()));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("model manifest: preprocessing.frame/dark/stretch is out of range");
        }
    }

    /** {@code parent.field}, or {@code fallback} where the block or the field is absent. */
    private static double number(JsonNode parent, String field, double fallback) {
        Double v = parent == null ? null : boxed(parent, field);
        return v == null ? fallback : v;
    }

    private static int integer(JsonNode parent, String field, int fallback) {
        Integer v = parent == null ? null : boxedInt(parent, field);
        return v == null ? fallback : v;
    }

    private static JsonNode node(JsonNode parent, String field) {
        JsonNode v = parent.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private static JsonNode object(JsonNode parent, String field) {
        JsonNode v = node(parent, field);
        requireType(v == null || v.isObject(), field);
        return v;
    }

    private static String text(JsonNode parent, String field) {
        JsonNode v = node(parent, field);
        requireType(v == null || v.isValueNode(), field);
        return v == null ? null : v.asText();
    }

    private static double number(JsonNode parent, String field) {
        Double v = boxed(parent, field);
        return v == null ? 0.0 : v;
    }

    private static int integer(JsonNode parent, String field) {
        Integer v = boxedInt(parent, field);
        return v == null ? 0 : v;
    }

    private static Double boxed(JsonNode parent, String field) {
        JsonNode v = node(parent, field);
        if (v == null) {
            return null;
        }
        requireType(v.isNumber(), field);
        return v.doubleValue();
    }

    private static Integer boxedInt(JsonNode parent, String field) {
        JsonNode v = node(parent, field);
        if (v == null) {
            return null;
        }
        requireType(v.isIntegralNumber() && v.canConvertToInt(), field + " (a whole number)");
        return v.intValue();
    }

    private static float[] floats(JsonNode parent, String field) {
        JsonNode v = node(parent, field);
        if (v == null) {
            return null;
        }
        requireType(v.isArray(), field);
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            requireType(v.get(i).isNumber(), field);
            out[i] = v.get(i).floatValue();
        }
        return out;
    }

    private static void requireType(boolean ok, String field) {
        if (!ok) {
            throw new ModelLoadException("model manifest: " + field + " has the wrong type");
        }
    }

    /** What every result says about the model that produced it. */
    public ScanResult.ModelIdentity identity() {
        return new ScanResult.ModelIdentity(name, version, sha256);
    }

    /** The identity and the notice (the default one where the manifest names none) every record carries. */
    public ScanResult.Stamp stamp() {
        return new ScanResult.Stamp(identity(), notice);
    }

    public ModelManifest validate() {
        require(name != null && !name.isBlank(), "name");
        require(version != null && !version.isBlank(), "version");
        require(sha256 != null && SHA256.matcher(sha256).matches(), "sha256 (64 lowercase hex digits)");
        require(input != null, "input");
        require("image".equals(input.name()), "input.name (must be \"image\")");
        require(input.height() > 0 && input.width() > 0, "input.height/width");
        require(input.channels() == 3, "input.channels (must be 3)");
        require("NCHW".equals(input.layout()), "input.layout (must be NCHW)");
        require(input.mean() != null && input.mean().length == 3, "input.mean (3 values)");
        require(input.std() != null && input.std().length == 3, "input.std (3 values)");
        for (float s : input.std()) {
            require(s > 0, "input.std (must be positive)");
        }
        require(preprocessing != null && preprocessing.crop() != null && preprocessing.resize() != null,
                "preprocessing.crop/resize");
        require(preprocessing.crop().blurKernel() == 5, "preprocessing.crop.blurKernel (only 5 is implemented)");
        require("bilinear-antialias".equals(preprocessing.resize().filter()),
                "preprocessing.resize.filter (only bilinear-antialias is implemented)");
        int v = preprocessingVersion();
        require(v == 1 || v == 2, "preprocessing.version (1 or 2)");
        if (v == 2) {
            require(preprocessing.adaptive() == null || "otsu".equals(preprocessing.adaptive()),
                    "preprocessing.dark.adaptive (only otsu)");
            require(preprocessing.colour() == null || "bt601-grey".equals(preprocessing.colour()),
                    "preprocessing.colour (only bt601-grey)");
        }
        require(decisionThreshold > 0 && decisionThreshold < 1, "decisionThreshold (between 0 and 1)");
        require(riskTiers != null && !riskTiers.isEmpty(), "riskTiers");
        double previous = 0;
        for (RiskTier tier : riskTiers) {
            require(tier.name() != null && tier.upperBound() > previous, "riskTiers (ascending upper bounds)");
            previous = tier.upperBound();
        }
        require(previous == 1.0, "riskTiers (the last upper bound must be 1.0)");
        boolean typed = outputs != null && outputs.has("tumor_type");
        require(!typed || tumorTypes != null && tumorTypes.size() == TUMOR_TYPE_COUNT
                && tumorTypes.stream().allMatch(t -> t != null && !t.isBlank()),
                "tumorTypes (three names, in the order of the tumor_type output)");
        return this;
    }

    public BrainCropper.Parameters cropParameters() {
        Crop c = preprocessing.crop();
        try {
            return new BrainCropper.Parameters(c.threshold(), c.erodeIterations(), c.dilateIterations(),
                    c.minRegionFraction());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("model manifest: preprocessing.crop is out of range");
        }
    }

    /** {@code preprocessing.version}: 1 when absent (the v1 crop and colour input), or 2. */
    public int preprocessingVersion() {
        return preprocessing == null || preprocessing.version() == null ? 1 : preprocessing.version();
    }

    /** Preprocessing v2's constants: the manifest's values, {@link PreprocessingV2.Parameters#DEFAULT}'s where absent. */
    public PreprocessingV2.Parameters v2Parameters() {
        return preprocessing.v2();
    }

    private static void require(boolean ok, String field) {
        if (!ok) {
            throw new ModelLoadException("model manifest: missing or invalid " + field);
        }
    }
}
