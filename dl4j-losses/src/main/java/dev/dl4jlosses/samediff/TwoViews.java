package dev.dl4jlosses.samediff;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Two views {@code [N, d]} of the same N examples as one batch {@code [2N, d]} with ids {@code 0..N-1} twice, as
 * pytorch-metric-learning's {@code SelfSupervisedLoss} turns (embeddings, ref_emb) into labelled embeddings for any
 * loss over one labelled batch. Each row's only positive is the other view of its example, which the graph's
 * structure guarantees, so a kernel may take its one-positive form although the ids are only known when it runs.
 */
record TwoViews(SDVariable embeddings, SDVariable ids) {

    static TwoViews of(SameDiff sd, SDVariable view1, SDVariable view2) {
        SDVariable ids = sd.range(sd.constant(0), sd.sizeAt(view1, 0).castTo(DataType.INT), sd.constant(1), DataType.INT);
        return new TwoViews(sd.concat(0, view1, view2.castTo(view1.dataType())), sd.concat(0, ids, ids));
    }
}
