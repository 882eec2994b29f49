package dev.brainscan.core;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
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
    public record Preprocessing(Crop crop, Resize resize) {
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
