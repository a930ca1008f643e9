package dev.dl4jlosses.examples.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG plots the examples write. */
public final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;
    private static final int BINS = 50;

    private Charts() {
    }

    /** Training loss per step, with a moving average over {@code window} steps on top of the raw values. */
    public static void lossCurve(List<Double> losses, String title, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("step").yAxisTitle("loss").build();
        List<Integer> steps = IntStream.rangeClosed(1, losses.size()).boxed().toList();
        line(chart.addSeries("loss", steps, losses));
        int window = Math.max(1, losses.size() / 50);
        if (window > 1) {
            line(chart.addSeries("moving average (" + window + " steps)", steps, movingAverage(losses, window)));
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Histograms of positive and negative pair cosine similarities, before and after training, on one axis. */
    public static void similarityHistograms(PairSimilarities before, PairSimilarities after, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Cosine similarity of projection pairs (two views of one image vs different images)")
                .xAxisTitle("cosine similarity").yAxisTitle("share of pairs").build();
        histogram(chart, "positive pairs, random init", before.positives());
        histogram(chart, "negative pairs, random init", before.negatives());
        histogram(chart, "positive pairs, trained", after.positives());
        histogram(chart, "negative pairs, trained", after.negatives());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void histogram(XYChart chart, String name, double[] values) {
        List<Double> data = new ArrayList<>(values.length);
        for (double v : values) {
            data.add(v);
        }
        Histogram histogram = new Histogram(data, BINS, -1, 1);
        List<Double> shares = histogram.getyAxisData().stream().map(count -> count / values.length).toList();
        line(chart.addSeries(name, histogram.getxAxisData(), shares));
    }

    private static void line(XYSeries series) {
        series.setMarker(SeriesMarkers.NONE);
    }

    private static List<Double> movingAverage(List<Double> values, int window) {
        List<Double> averaged = new ArrayList<>(values.size());
        double sum = 0;
        for (int i = 0; i < values.size(); i++) {
            sum += values.get(i);
            if (i >= window) {
                sum -= values.get(i - window);
            }
            averaged.add(sum / Math.min(i + 1, window));
        }
        return averaged;
    }
}
