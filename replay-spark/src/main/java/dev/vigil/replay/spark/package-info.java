/**
 * Nothing of its own: this module is the classpath on which {@code vigil replay ... --runner=SparkRunner}
 * runs ({@code dev.vigil.replay.cli.ReplayCommand#main} with Beam's Spark runner and Spark 3.5 beside it).
 */
package dev.vigil.replay.spark;
