package dev.dl4jlosses.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Array comparisons with messages that show both arrays, and checks of error messages. */
public final class Assertions {

    private Assertions() {
    }

    /** {@code call} throws an IllegalArgumentException whose message mentions every fragment. */
    public static void assertMessage(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "message \"" + e.getMessage() + "\" should mention " + fragment);
        }
    }

    /** Every element within {@code atol + rtol·|expected|}. */
    public static void assertClose(INDArray expected, INDArray actual, double rtol, double atol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        INDArray e = expected.castTo(DataType.DOUBLE);
        INDArray a = actual.castTo(DataType.DOUBLE);
        INDArray excess = Transforms.abs(e.sub(a)).subi(Transforms.abs(e).muli(rtol).addi(atol));
        long worst = excess.reshape(excess.length()).argMax(0).getLong(0);
        if (excess.getDouble(worst) > 0) {
            fail(what + ": arrays differ beyond rtol=" + rtol + ", atol=" + atol + "; worst at flat index " + worst + ": expected "
                    + e.reshape(e.length()).getDouble(worst) + ", got " + a.reshape(a.length()).getDouble(worst)
                    + "\nexpected " + e + "\nactual   " + a);
        }
    }

    public static void assertClose(double expected, double actual, double rtol, double atol, String what) {
        if (!(Math.abs(expected - actual) <= atol + rtol * Math.abs(expected))) {
            fail(what + ": expected " + expected + ", got " + actual + " (rtol=" + rtol + ", atol=" + atol + ")");
        }
    }
}
