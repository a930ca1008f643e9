package dev.dl4jlosses.testing;

import java.util.function.BooleanSupplier;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** ND4J's and DL4J's gradient checkers require float64 as the global default type; this sets and restores it. */
public final class DoublePrecision {

    private DoublePrecision() {
    }

    public static boolean check(BooleanSupplier gradientCheck) {
        DataType before = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return gradientCheck.getAsBoolean();
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }
}
