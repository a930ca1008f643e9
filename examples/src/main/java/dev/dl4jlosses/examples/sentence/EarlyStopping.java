package dev.dl4jlosses.examples.sentence;

import java.nio.file.Path;

/**
 * Early stopping on the validation pairs: before the first step and every {@code every} steps (and after the last),
 * the fused encoder's validation MRR at its best dense weight is measured, and the training graph is saved to
 * {@code bestModel} whenever it improves. The weights exported are the best ones: on small real data the dense encoder
 * starts to memorise the training pairs long before a fixed budget ends, and the check before the first step means
 * that a dense encoder that never helps leaves the lexical channel alone in charge (dense weight 0).
 */
final class EarlyStopping {

    private final DenseWeightChoice.Validator validator;
    private final int every;
    private final Path bestModel;
    private int bestStep;
    private double bestValidation;

    /** Continues from {@code bestStep} (-1: nothing validated yet) and its score. */
    EarlyStopping(DenseWeightChoice.Validator validator, int every, Path bestModel, int bestStep, double bestValidation) {
        if (every < 1) {
            throw new IllegalArgumentException("--validate-every must be >= 1 for early stopping; got " + every);
        }
        this.validator = validator;
        this.every = every;
        this.bestModel = bestModel;
        this.bestStep = bestStep;
        this.bestValidation = bestValidation;
    }

    /** Before training (unless resumed): the untrained weights are the first candidate. */
    void start(SentenceTrainer trainer) {
        if (bestStep < 0) {
            check(trainer, 0);
        }
    }

    /** After step {@code done} (1-based) of {@code total}. */
    void afterStep(SentenceTrainer trainer, int done, int total) {
        if (done % every == 0 || done == total) {
            check(trainer, done);
        }
    }

    private void check(SentenceTrainer trainer, int done) {
        double score = validator.bestMrr(trainer::embed);
        if (score > bestValidation) {
            bestValidation = score;
            bestStep = done;
            trainer.save(bestModel);
        }
    }

    int bestStep() {
        return bestStep;
    }

    double bestValidation() {
        return bestValidation;
    }

    Path bestModel() {
        return bestModel;
    }
}
