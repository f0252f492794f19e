package dev.vigil.scoring;

/** One labelled feature vector: what the trainer learns from. */
public record TrainingRow(float[] features, boolean abusive) {

  /** Narrows the feature code's doubles to the floats models take. */
  public static float[] toFloats(double[] features) {
    float[] f = new float[features.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) features[i];
    }
    return f;
  }
}
