package dev.dl4jlosses.examples.simclr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The checkpoint directory of a run: the model with its updater state ({@code model.zip} or {@code model.fb}) and the
 * {@link RunState} ({@code state.json}), each written through a temporary file and a rename, model first.
 */
final class Checkpoint {

    private final Path dir;
    private final Path model;
    private final Path state;

    Checkpoint(Path dir, boolean sameDiff) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.model = dir.resolve(sameDiff ? "model.fb" : "model.zip");
        this.state = dir.resolve("state.json");
    }

    Path model() {
        return model;
    }

    void write(TrainingFront trainer, RunState runState) throws IOException {
        Path partial = model.resolveSibling(model.getFileName() + ".partial");
        trainer.saveCheckpoint(partial);
        Files.move(partial, model, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        runState.write(state);
    }

    /** The saved state, after checking that it exists and was made with {@code settings}. */
    RunState readState(String settings) throws IOException {
        if (!Files.isRegularFile(state)) {
            throw new IllegalArgumentException("--resume: no checkpoint in " + dir + " (expected " + model.getFileName() + " and state.json)");
        }
        RunState saved = RunState.read(state);
        if (!saved.settings().equals(settings)) {
            throw new IllegalArgumentException("--resume: the checkpoint in " + dir + " was made with different settings:\n  checkpoint: "
                    + saved.settings() + "\n  now:        " + settings);
        }
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("--resume: " + model + " is missing next to its state.json");
        }
        return saved;
    }

    /** Fails when the restored model and the state disagree (the run stopped between writing the two). */
    void checkSteps(long modelSteps, long stateSteps) {
        if (modelSteps != stateSteps) {
            throw new IllegalArgumentException("--resume: " + model + " holds " + modelSteps + " training steps but state.json records "
                    + stateSteps + " (the run stopped while writing the checkpoint); start again without --resume");
        }
    }
}
