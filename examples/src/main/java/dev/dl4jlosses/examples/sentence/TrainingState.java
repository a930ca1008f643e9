package dev.dl4jlosses.examples.sentence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;

/**
 * What a checkpoint holds besides the graph: the run's settings (a resumed run must use the same), epochs done,
 * losses, training time, and the step whose weights validated best so far (saved beside the checkpoint; -1: none yet)
 * with its validation MRR.
 */
record TrainingState(String settings, int epochsDone, List<Double> losses, double trainSeconds, int bestStep, double bestValidation) {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static TrainingState read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), TrainingState.class);
    }

    /** Writes through a temporary file and a rename, so an interrupted write never leaves a half checkpoint. */
    void write(Path file) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        JSON.writeValue(partial.toFile(), this);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
