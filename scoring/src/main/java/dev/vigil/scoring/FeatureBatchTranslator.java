package dev.vigil.scoring;

import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/**
 * A batch of feature rows in, one score per row out. The input is already a batch, so there is no
 * batchifier (XGBoost fails on DJL's default one). Arrays are created on the context's per-call manager,
 * which DJL closes after {@link #processOutput}: nothing native outlives the call.
 */
final class FeatureBatchTranslator implements NoBatchifyTranslator<float[][], float[]> {
  @Override
  public NDList processInput(TranslatorContext ctx, float[][] rows) {
    return new NDList(ctx.getNDManager().create(rows));
  }

  @Override
  public float[] processOutput(TranslatorContext ctx, NDList list) {
    return list.get(0).toFloatArray();
  }
}
