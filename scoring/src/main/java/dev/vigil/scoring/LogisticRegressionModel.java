package dev.vigil.scoring;

import java.util.List;

/**
 * A logistic regression over {@code log1p(max(x, 0))} of each feature, standardized with the training
 * means and deviations. Fitted in plain Java by Newton's method with an L2 penalty (so separable data
 * still gives finite weights) and exported as an ONNX graph for DJL's OnnxRuntime engine.
 *
 * <p>The log transform matters: feature rates span five orders of magnitude, and a linear model on raw
 * rates would be dominated by the largest ones.
 */
public final class LogisticRegressionModel {
  private final double[] means;
  private final double[] stddevs;
  private final double[] weights;
  private final double bias;

  LogisticRegressionModel(double[] means, double[] stddevs, double[] weights, double bias) {
    if (means.length != weights.length || stddevs.length != weights.length) {
      throw new IllegalArgumentException("means, stddevs and weights must have one entry per feature");
    }
    this.means = means.clone();
    this.stddevs = stddevs.clone();
    this.weights = weights.clone();
    this.bias = bias;
  }

  /** Fits on {@code rows}; {@code l2} is the penalty on the standardized weights (not on the bias). */
  public static LogisticRegressionModel fit(List<TrainingRow> rows, double l2, int maxIterations) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no rows to fit");
    }
    int d = rows.get(0).features().length;
    int n = rows.size();
    double[][] x = new double[n][];
    double[] mean = new double[d];
    double[] sd = new double[d];
    for (int r = 0; r < n; r++) {
      x[r] = transform(rows.get(r).features());
      for (int j = 0; j < d; j++) {
        mean[j] += x[r][j] / n;
      }
    }
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
      }
    }
    for (int j = 0; j < d; j++) {
      sd[j] = Math.max(Math.sqrt(sd[j]), 1e-6); // a constant feature keeps weight ~0 instead of dividing by 0
    }
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        row[j] = (row[j] - mean[j]) / sd[j];
      }
    }
    // theta = [w_0 .. w_{d-1}, b]; Newton step solves (X'WX + L2) delta = X'(y - p) - L2 w.
    double[] theta = new double[d + 1];
    for (int iteration = 0; iteration < maxIterations; iteration++) {
      double[] gradient = new double[d + 1];
      double[][] hessian = new double[d + 1][d + 1];
      for (int r = 0; r < n; r++) {
        double z = theta[d];
        for (int j = 0; j < d; j++) {
          z += theta[j] * x[r][j];
        }
        double p = sigmoid(z);
        double residual = (rows.get(r).abusive() ? 1 : 0) - p;
        double w = Math.max(p * (1 - p), 1e-12);
        for (int j = 0; j <= d; j++) {
          double xj = j == d ? 1 : x[r][j];
          gradient[j] += residual * xj;
          for (int k = j; k <= d; k++) {
            hessian[j][k] += w * xj * (k == d ? 1 : x[r][k]);
          }
        }
      }
      for (int j = 0; j <= d; j++) {
        for (int k = 0; k < j; k++) {
          hessian[j][k] = hessian[k][j];
        }
        if (j < d) {
          gradient[j] -= l2 * theta[j];
          hessian[j][j] += l2;
        }
      }
      double[] step = solve(hessian, gradient);
      double largest = 0;
      for (int j = 0; j <= d; j++) {
        theta[j] += step[j];
        largest = Math.max(largest, Math.abs(step[j]));
      }
      if (largest < 1e-8) {
        break;
      }
    }
    double[] weights = new double[d];
    System.arraycopy(theta, 0, weights, 0, d);
    return new LogisticRegressionModel(mean, sd, weights, theta[d]);
  }

  /** Probability of abuse for one row, computed in double precision: the reference for the ONNX export. */
  public double predict(float[] features) {
    double[] t = transform(features);
    double z = bias;
    for (int j = 0; j < weights.length; j++) {
      z += weights[j] * (t[j] - means[j]) / stddevs[j];
    }
    return sigmoid(z);
  }

  /**
   * The model as ONNX: {@code features [batch, d]} → Relu → +1 → Log → Gemm → Sigmoid →
   * {@code score [batch, 1]}. Standardization is folded into the Gemm weights and bias.
   */
  public byte[] toOnnx(String docString) {
    int d = weights.length;
    float[] folded = new float[d];
    double foldedBias = bias;
    for (int j = 0; j < d; j++) {
      folded[j] = (float) (weights[j] / stddevs[j]);
      foldedBias -= weights[j] * means[j] / stddevs[j];
    }
    return new OnnxGraphWriter("vigil_logistic_regression")
        .input("features", -1, d)
        .initializer("one", new float[] {1f}, 1)
        .initializer("weights", folded, d, 1)
        .initializer("bias", new float[] {(float) foldedBias}, 1)
        .node("Relu", "non_negative", "features")
        .node("Add", "plus_one", "non_negative", "one")
        .node("Log", "log1p", "plus_one")
        .node("Gemm", "logit", "log1p", "weights", "bias")
        .node("Sigmoid", "score", "logit")
        .output("score", -1, 1)
        .toModel("vigil", docString);
  }

  public int featureCount() {
    return weights.length;
  }

  private static double[] transform(float[] features) {
    double[] t = new double[features.length];
    for (int j = 0; j < t.length; j++) {
      t[j] = Math.log1p(Math.max(features[j], 0f));
    }
    return t;
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  /** Gaussian elimination with partial pivoting; {@code a} is symmetric positive definite here. */
  private static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = new double[n + 1];
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n] = b[i];
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
          pivot = r;
        }
      }
      double[] tmp = m[col];
      m[col] = m[pivot];
      m[pivot] = tmp;
      if (Math.abs(m[col][col]) < 1e-300) {
        throw new IllegalStateException("singular system while fitting logistic regression");
      }
      for (int r = col + 1; r < n; r++) {
        double f = m[r][col] / m[col][col];
        for (int c = col; c <= n; c++) {
          m[r][c] -= f * m[col][c];
        }
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = m[r][n];
      for (int c = r + 1; c < n; c++) {
        s -= m[r][c] * x[c];
      }
      x[r] = s / m[r][r];
    }
    return x;
  }
}
