package dev.vigil.scoring;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.TranslateException;
import java.io.IOException;

/**
 * Scores feature rows with one bundle's model through DJL. Not thread-safe (a DJL {@link Predictor} is
 * not): create one per thread or per DoFn instance, and close it.
 */
public final class BundleScorer implements AutoCloseable {
  private final ModelBundle bundle;
  private final Model model;
  private final Predictor<float[][], float[]> predictor;

  BundleScorer(ModelBundle bundle) {
    this.bundle = bundle;
    ModelManifest m = bundle.manifest();
    String artifact = m.artifact();
    String baseName = artifact.substring(0, artifact.lastIndexOf('.'));
    Model loaded = Model.newInstance(m.name(), m.engine());
    try {
      loaded.load(bundle.directory(), baseName);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      loaded.close();
      throw new ModelBundleException("model bundle " + bundle.directory() + ": " + m.engine() + " cannot load "
          + artifact + ": " + e.getMessage(), e);
    }
    this.model = loaded;
    this.predictor = loaded.newPredictor(new FeatureBatchTranslator());
  }

  public ModelBundle bundle() {
    return bundle;
  }

  /** One score in [0, 1] per row; every row has the manifest's feature count. */
  public float[] score(float[][] rows) {
    if (rows.length == 0) {
      return new float[0];
    }
    int expected = bundle.manifest().features().size();
    for (float[] row : rows) {
      if (row.length != expected) {
        throw new IllegalArgumentException("expected " + expected + " features per row, got " + row.length);
      }
    }
    try {
      return predictor.predict(rows);
    } catch (TranslateException e) {
      throw new IllegalStateException("scoring with " + bundle + " failed: " + e.getMessage(), e);
    }
  }

  /** The model's NDManager, for leak checks: arrays it still holds after scoring were leaked. */
  NDManager modelManager() {
    return model.getNDManager();
  }

  @Override
  public void close() {
    predictor.close();
    model.close();
  }
}
