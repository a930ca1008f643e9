package dev.dl4jlosses.examples.images;

/** A training split (for self-supervised training and the linear probe's fit) and a held-out test split. */
public record TrainTestImages(ImageSet train, ImageSet test) {

    public String source() {
        return train.source();
    }
}
