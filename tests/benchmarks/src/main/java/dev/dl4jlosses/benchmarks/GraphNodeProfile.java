package dev.dl4jlosses.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.dl4jlosses.samediff.SDContrastive;
import org.nd4j.autodiff.listeners.profiler.ProfilingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Where the SameDiff node's time goes: {@code sd.fit} steps of {@code SDContrastive.ntXent} and of {@code simClr}
 * (B = 1024, d = 128, two views) traced by SameDiff's own {@link ProfilingListener}, split into the time inside ops
 * and the time between them (the executor's bookkeeping and its allocation of each op's output), with one
 * {@code sd.fit} call per step (a new session and array cache each) and with one call for all profiled steps (one
 * session, as the examples train), next to the cost of allocating a fresh {@code [B, B]} float array and of an
 * in-place op on one.
 *
 * <pre>java -cp tests/benchmarks/target/benchmarks.jar dev.dl4jlosses.benchmarks.GraphNodeProfile</pre>
 */
public final class GraphNodeProfile {

    private static final int B = 1024;
    private static final int D = 128;
    private static final int PROFILED_STEPS = 10;

    private GraphNodeProfile() {
    }

    public static void main(String[] args) throws IOException {
        for (boolean oneFitForAllSteps : new boolean[] {false, true}) {
            profile(false, oneFitForAllSteps);
            profile(true, oneFitForAllSteps);
        }

        INDArray block = Nd4j.rand(DataType.FLOAT, B, B);
        int repeats = 30;
        long t0 = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            Nd4j.createUninitializedDetached(DataType.FLOAT, B, B);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            block.muli(1.0);
        }
        long t2 = System.nanoTime();
        System.out.printf("fresh [%d, %d] float array: %.2f ms; in-place multiply of one: %.2f ms%n", B, B,
                (t1 - t0) / 1e6 / repeats, (t2 - t1) / 1e6 / repeats);
    }

    /**
     * @param twoViews          {@code simClr} on the two halves of z, else {@code ntXent} on z with two-view ids
     * @param oneFitForAllSteps the profiled steps in one {@code sd.fit} call (one session), else one call each
     */
    private static void profile(boolean twoViews, boolean oneFitForAllSteps) throws IOException {
        INDArray ids = Nd4j.concat(0, Nd4j.arange(B / 2), Nd4j.arange(B / 2)).castTo(DataType.FLOAT).reshape(B, 1);
        SameDiff sd = SameDiff.create();
        SDVariable z = sd.var("z", Nd4j.randn(DataType.FLOAT, B, D));
        SDVariable idsIn = sd.placeHolder("ids", DataType.FLOAT, -1, 1);
        if (twoViews) {
            SDVariable[] views = sd.split(z, 2, 0);
            new SDContrastive(sd).simClr("loss", views[0], views[1], 0.5);
        } else {
            new SDContrastive(sd).ntXent("loss", z, idsIn, 0.5);
        }
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Sgd(0.0)).dataSetFeatureMapping("ids").markLabelsUnused().build());
        MultiDataSet batch = new MultiDataSet(new INDArray[] {ids}, new INDArray[0]);
        for (int i = 0; i < 3; i++) {
            sd.fit(batch);
        }
        File trace = File.createTempFile("graph-node-trace", ".json");
        Files.delete(trace.toPath());    // the listener refuses to overwrite a file
        trace.deleteOnExit();
        sd.setListeners(ProfilingListener.builder(trace).recordAll().warmup(0).maxProfileIterations(PROFILED_STEPS).build());
        if (oneFitForAllSteps) {
            sd.fit(new TrainingSteps.RepeatedBatch(batch, PROFILED_STEPS), 1);
        } else {
            for (int i = 0; i < PROFILED_STEPS; i++) {
                sd.fit(batch);
            }
        }
        List<JsonNode> ops = opEvents(trace);
        ops.sort(Comparator.comparingLong(e -> e.get("ts").asLong()));
        long inOps = ops.stream().mapToLong(e -> e.get("dur").asLong()).sum();
        JsonNode last = ops.get(ops.size() - 1);
        long span = last.get("ts").asLong() + last.get("dur").asLong() - ops.get(0).get("ts").asLong();
        System.out.printf("SDContrastive.%s, %s, B=%d d=%d: %d ops per step; per step %.1f ms inside ops, "
                        + "%.1f ms between ops (traced span %.1f ms)%n", twoViews ? "simClr" : "ntXent",
                oneFitForAllSteps ? "one sd.fit for " + PROFILED_STEPS + " steps" : "one sd.fit per step", B, D,
                ops.size() / PROFILED_STEPS, inOps / 1e3 / PROFILED_STEPS, (span - inOps) / 1e3 / PROFILED_STEPS,
                span / 1e3 / PROFILED_STEPS);
    }

    /** The trace's complete-op events ("ph":"X"), one JSON object per line (read line by line: the file is left open). */
    private static List<JsonNode> opEvents(File trace) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(trace.toPath())) {
            String object = line.strip().replaceFirst("^\\[", "").replaceFirst(",$", "").replaceFirst("]$", "");
            if (object.startsWith("{")) {
                JsonNode event = json.readTree(object);
                if ("X".equals(event.path("ph").asText())) {
                    events.add(event);
                }
            }
        }
        return events;
    }
}
