package dev.dl4jlosses.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import dev.dl4jlosses.options.HardNegatives;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/** A reference case written by {@code src/test/python/make_reference_vectors.py} (PyTorch, float64). */
public final class ReferenceCase {

    private final Map<String, Object> doc;

    private ReferenceCase(Map<String, Object> doc) {
        this.doc = doc;
    }

    @SuppressWarnings("unchecked")
    public static ReferenceCase load(String name) {
        String path = "/reference/" + name + ".json";
        try (InputStream in = ReferenceCase.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new ReferenceCase(new ObjectMapper().readValue(in, Map.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return String.valueOf(doc.get("name"));
    }

    public boolean has(String key) {
        return doc.containsKey(key);
    }

    public double number(String key) {
        return ((Number) doc.get(key)).doubleValue();
    }

    public boolean flag(String key) {
        return (Boolean) doc.get(key);
    }

    /** The case's hard-negative selection ("hardRule", "hardValue"), or null when it keeps all negatives. */
    public HardNegatives hardNegatives() {
        if (!has("hardRule")) {
            return null;
        }
        double value = number("hardValue");
        return switch (HardNegatives.Rule.valueOf((String) doc.get("hardRule"))) {
            case THRESHOLD -> HardNegatives.threshold(value);
            case TOP_K -> HardNegatives.topK((int) value);
            case TOP_FRACTION -> HardNegatives.topFraction(value);
        };
    }

    /** A JSON matrix or vector as a float64 array ({@code [n, m]} or {@code [n, 1]}); null when absent. */
    @SuppressWarnings("unchecked")
    public INDArray array(String key) {
        Object value = doc.get(key);
        if (value == null) {
            return null;
        }
        List<Object> rows = (List<Object>) value;
        if (!rows.isEmpty() && rows.get(0) instanceof List) {
            double[][] m = new double[rows.size()][];
            for (int i = 0; i < m.length; i++) {
                m[i] = ((List<Number>) rows.get(i)).stream().mapToDouble(Number::doubleValue).toArray();
            }
            return Nd4j.createFromArray(m);
        }
        double[] v = rows.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
        return Nd4j.createFromArray(v).reshape(v.length, 1).castTo(DataType.DOUBLE);
    }
}
