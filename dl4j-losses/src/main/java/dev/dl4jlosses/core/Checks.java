package dev.dl4jlosses.core;

import java.util.Arrays;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/** Argument checks shared by both fronts; each failure is an {@link IllegalArgumentException} naming the shapes. */
public final class Checks {

    private Checks() {
    }

    public static double positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, got " + value);
        }
        return value;
    }

    public static double inRange(String name, double value, double fromInclusive, double toExclusive) {
        if (!(value >= fromInclusive && value < toExclusive)) {
            throw new IllegalArgumentException(name + " must be in [" + fromInclusive + ", " + toExclusive + "), got " + value);
        }
        return value;
    }

    public static double finiteNumber(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number, got " + value);
        }
        return value;
    }

    /** A positive margin {@code m_p >= 0} and a negative margin {@code m_n > m_p}, both finite. */
    public static void marginPair(double positiveMargin, double negativeMargin) {
        if (!(positiveMargin >= 0) || Double.isInfinite(positiveMargin)) {
            throw new IllegalArgumentException("positive margin m_p must be a finite number >= 0, got " + positiveMargin);
        }
        if (!(negativeMargin > positiveMargin) || Double.isInfinite(negativeMargin)) {
            throw new IllegalArgumentException("negative margin m_n must be finite and > the positive margin m_p = "
                    + positiveMargin + ", got " + negativeMargin);
        }
    }

    /** A finite 2-D matrix. */
    public static INDArray matrix(String what, INDArray a) {
        if (a == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (a.rank() != 2) {
            throw new IllegalArgumentException(what + " must be a 2-D matrix [rows, dim], got shape " + shape(a));
        }
        if (!a.dataType().isFPType()) {
            throw new IllegalArgumentException(what + " must be floating point, got " + a.dataType() + " with shape " + shape(a));
        }
        finite(what, a);
        return a;
    }

    public static void finite(String what, INDArray a) {
        // a finite sum (one fast reduction) proves every value finite; only an infinite or NaN sum needs the
        // element-wise test (8× slower in ND4J M2.1), since finite values can overflow the sum
        if (!a.isEmpty() && !Double.isFinite(a.sumNumber().doubleValue()) && !BooleanIndexing.and(a, Conditions.isFinite())) {
            throw new IllegalArgumentException(what + " has NaN or infinite values (shape " + shape(a) + ")");
        }
    }

    /** {@code b} has as many columns as {@code a}. */
    public static void sameWidth(String whatA, INDArray a, String whatB, INDArray b) {
        if (a.columns() != b.columns()) {
            throw new IllegalArgumentException(whatA + " and " + whatB + " must have the same number of columns, got "
                    + shape(a) + " and " + shape(b));
        }
    }

    /** {@code b} has the shape of {@code a}. */
    public static void sameShape(String whatA, INDArray a, String whatB, INDArray b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(whatA + " and " + whatB + " must have the same shape, got "
                    + shape(a) + " and " + shape(b));
        }
    }

    /**
     * A vector of one value per row of {@code rowsOf} (any of the shapes {@code [n]}, {@code [n, 1]}, {@code [1, n]}),
     * returned as a {@code [n, 1]} column; null stays null.
     */
    public static INDArray perRowColumn(String what, INDArray values, String rowsWhat, INDArray rowsOf) {
        if (values == null) {
            return null;
        }
        long n = rowsOf.rows();
        if (!(values.isVector() || values.isScalar() || values.isEmpty()) || values.length() != n) {
            throw new IllegalArgumentException(what + " must hold one value per row of " + rowsWhat + ": expected "
                    + n + " values, got shape " + shape(values) + " (" + rowsWhat + " shape " + shape(rowsOf) + ")");
        }
        finite(what, values);
        return values.reshape(n, 1);
    }

    /** Like {@link #perRowColumn}, for values that must be given (e.g. the labels of a loss that needs them). */
    public static INDArray requiredPerRowColumn(String what, INDArray values, String rowsWhat, INDArray rowsOf) {
        if (values == null) {
            throw new IllegalArgumentException(what + " must not be null: one per row of " + rowsWhat + " " + shape(rowsOf));
        }
        return perRowColumn(what, values, rowsWhat, rowsOf);
    }

    public static String shape(INDArray a) {
        return Arrays.toString(a.shape());
    }
}
