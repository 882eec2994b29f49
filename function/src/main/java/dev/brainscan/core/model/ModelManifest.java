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

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Preprocessing(Integer version, Crop crop, Frame frame, Dark dark, Stretch stretch, Resize resize,
                                String colour) {
    }

    /** Preprocessing v2's frame finder; absent fields take the Python reference's constants. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Frame(Integer darkThreshold, Double minInside, Double minOutside, Double minLit, Double minEdgeDark,
                        Double minSideLit, Double piecesMinArea, Double piecesMinEdgeDark, Double piecesMaxInside) {
    }

    /** Preprocessing v2's dark rule: {@code p99Below}, and the adaptive threshold's method and clamp. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Dark(Integer p99Below, String adaptive, Integer min, Integer max) {
    }

    /** Preprocessing v2's percentile stretch of the grey crop. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Stretch(Double low, Double high, Integer minRange) {
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

    /** Throws {@link ModelLoadException} naming the first field that is missing or wrong. */
    /** Reads and validates a manifest ({@code brainscan.json}). */
    public static ModelManifest parse(byte[] json) {
        try {
            return Json.MAPPER.readValue(json, ModelManifest.class).validate();
        } catch (IOException e) {
            throw new ModelLoadException("model manifest is not valid JSON: "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }

    /** What every result says about the model that produced it. */
    public ScanResult.ModelIdentity identity() {
        return new ScanResult.ModelIdentity(name, version, sha256);
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
            require(preprocessing.dark() == null || preprocessing.dark().adaptive() == null
                    || "otsu".equals(preprocessing.dark().adaptive()), "preprocessing.dark.adaptive (only otsu)");
            require(preprocessing.colour() == null || "bt601-grey".equals(preprocessing.colour()),
                    "preprocessing.colour (only bt601-grey)");
            v2Parameters();
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

    /** Preprocessing v2's constants: the manifest's values, the Python reference's where absent. */
    public PreprocessingV2.Parameters v2Parameters() {
        PreprocessingV2.Parameters d = PreprocessingV2.Parameters.DEFAULT;
        Frame f = preprocessing.frame() != null ? preprocessing.frame() : new Frame(null, null, null, null, null, null, null, null, null);
        Dark k = preprocessing.dark() != null ? preprocessing.dark() : new Dark(null, null, null, null);
        Stretch s = preprocessing.stretch() != null ? preprocessing.stretch() : new Stretch(null, null, null);
        try {
            return new PreprocessingV2.Parameters(or(f.darkThreshold(), d.frameDark()),
                    or(f.minInside(), d.frameMinInside()), or(f.minOutside(), d.frameMinOutside()),
                    or(f.minLit(), d.frameMinLit()), or(f.minEdgeDark(), d.frameMinEdgeDark()),
                    or(f.minSideLit(), d.frameMinSideLit()), or(f.piecesMinArea(), d.framePiecesMinArea()),
                    or(f.piecesMinEdgeDark(), d.framePiecesMinEdgeDark()),
                    or(f.piecesMaxInside(), d.framePiecesMaxInside()), or(k.p99Below(), d.darkP99Below()),
                    or(k.min(), d.adaptiveMin()), or(k.max(), d.adaptiveMax()), or(s.low(), d.stretchLow()),
                    or(s.high(), d.stretchHigh()), or(s.minRange(), d.stretchMinRange()));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("model manifest: preprocessing.frame/dark/stretch is out of range");
        }
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** The tier whose range holds {@code score}: the first with score below its upper bound. */
    public String riskTier(double score) {
        for (RiskTier tier : riskTiers) {
            if (score < tier.upperBound()) {
                return tier.name();
            }
        }
        return riskTiers.get(riskTiers.size() - 1).name();
    }

    private static void require(boolean ok, String field) {
        if (!ok) {
            throw new ModelLoadException("model manifest: missing or invalid " + field);
        }
    }
}
