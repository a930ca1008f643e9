package dev.dl4jlosses.core;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Losses are computed in float64 for float64 inputs and in float32 otherwise (float16/bfloat16 are too coarse). */
public final class ComputePrecision {

    private ComputePrecision() {
    }

    public static DataType of(DataType input) {
        return input == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
    }

    /** {@code a} in type {@code type}, without a copy when it already is; null stays null. */
    public static INDArray cast(INDArray a, DataType type) {
        return a == null || a.dataType() == type ? a : a.castTo(type);
    }
}
