package dev.dl4jlosses.examples.simclr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import dev.dl4jlosses.examples.eval.EncoderScores;
import dev.dl4jlosses.examples.eval.PairSimilarities;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;

/**
 * What a checkpoint holds besides the model: the run's settings (a resumed run must use the same), the steps done,
 * the loss of every step so far, the training time so far and the baselines measured before training (raw pixels and
 * the encoder at random initialisation).
 */
record RunState(String settings, long stepsDone, List<Double> losses, double trainSeconds, EncoderScores rawPixels,
                EncoderScores baseline, PairSimilarities baselinePairs) {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static RunState read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), RunState.class);
    }

    /** Writes through a temporary file and a rename, so an interrupted write never leaves a half checkpoint. */
    void write(Path file) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        JSON.writeValue(partial.toFile(), this);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
