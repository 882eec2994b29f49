package dev.brainscan.core.result;

/** The brain crop: top-left corner and size in pixels of the decoded image. */
public record CropBox(int x, int y, int width, int height) {
}
