package org.nd4j.nativeblas;

/**
 * Compatibility shim for DL4J 1.0.0-M2.1: its oneDNN helper check ({@code BaseMKLDNNHelper.mklDnnEnabled}) looks up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment}, which M2.1 moved to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment}, so DL4J never uses its oneDNN helpers. This class
 * answers the check with the real environment's {@code isUseONEDNN()} (found by reflection, so the examples also build
 * against the CUDA backend, where it reports false). See {@code dev.dl4jlosses.examples.common.OneDnn}.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {
    }

    /** What {@code BaseMKLDNNHelper} calls: {@code getInstance()} and {@code isUseMKLDNN()}. */
    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            try {
                Class<?> environment = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                Object instance = environment.getMethod("getInstance").invoke(null);
                return (boolean) environment.getMethod("isUseONEDNN").invoke(instance);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
