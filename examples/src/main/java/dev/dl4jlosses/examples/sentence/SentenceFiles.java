package dev.dl4jlosses.examples.sentence;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the command's input files (UTF-8): plain text, one sentence per line; TSV pairs
 * {@code anchor<TAB>positive[<TAB>hard negative]}; STS TSV {@code sentence1<TAB>sentence2<TAB>score}. Any problem
 * is an {@link IllegalArgumentException} naming the file and the line.
 */
public final class SentenceFiles {

    private SentenceFiles() {
    }

    /** One sentence per line; an empty (or blank) line is an error. */
    public static List<String> sentences(Path file) {
        return sentences(open(file), file.toString());
    }

    /** One sentence per line from {@code in} (e.g. standard input), described as {@code source} in errors. */
    public static List<String> sentences(InputStream in, String source) {
        List<String> sentences = new ArrayList<>();
        forEachLine(in, source, (line, number) -> sentences.add(requireText(line, source, number, "sentence")));
        if (sentences.isEmpty()) {
            throw new IllegalArgumentException(source + ": no sentences");
        }
        return sentences;
    }

    /**
     * TSV rows of 2 or 3 columns. Hard negatives are used when every row has the third column; a file that mixes
     * rows with and without one is an error naming the first row that differs from the first.
     */
    public static List<ParaphraseCorpus.Pair> pairs(Path file) {
        List<ParaphraseCorpus.Pair> pairs = new ArrayList<>();
        forEachLine(open(file), file.toString(), (line, number) -> {
            String[] columns = columns(line, file, number, 2, 3, 3, "anchor<TAB>positive[<TAB>hard negative]");
            if (!pairs.isEmpty() && (pairs.get(0).negative() == null) != (columns.length == 2)) {
                throw new IllegalArgumentException(file + " line " + number + ": " + columns.length + " columns, but line 1 has "
                        + (pairs.get(0).negative() == null ? 2 : 3) + "; give a hard negative on every row or on none");
            }
            pairs.add(new ParaphraseCorpus.Pair(columns[0], columns[1], columns.length == 3 ? columns[2] : null));
        });
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException(file + ": no pairs");
        }
        return pairs;
    }

    /** STS TSV: sentence1, sentence2, a numeric score. */
    public static List<ParaphraseCorpus.ScoredPair> scoredPairs(Path file) {
        List<ParaphraseCorpus.ScoredPair> pairs = new ArrayList<>();
        forEachLine(open(file), file.toString(), (line, number) -> {
            String[] columns = columns(line, file, number, 3, 3, 2, "sentence1<TAB>sentence2<TAB>score");
            try {
                pairs.add(new ParaphraseCorpus.ScoredPair(columns[0], columns[1], Double.parseDouble(columns[2].trim())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line " + number + ": score '" + columns[2] + "' is not a number");
            }
        });
        if (pairs.size() < 2) {
            throw new IllegalArgumentException(file + ": need at least 2 scored pairs, got " + pairs.size());
        }
        return pairs;
    }

    private interface LineHandler {
        void accept(String line, int number);
    }

    private static InputStream open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    private static void forEachLine(InputStream in, String source, LineHandler handler) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                handler.accept(line, ++number);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": " + e.getMessage(), e);
        }
    }

    /** The line's tab-separated columns, between {@code min} and {@code max} of them, the first {@code textColumns} non-empty. */
    private static String[] columns(String line, Path file, int number, int min, int max, int textColumns, String format) {
        String[] columns = line.split("\t", -1);
        if (columns.length < min || columns.length > max) {
            throw new IllegalArgumentException(file + " line " + number + ": " + columns.length + " column" + (columns.length == 1 ? "" : "s")
                    + ", expected " + format);
        }
        for (int c = 0; c < Math.min(columns.length, textColumns); c++) {
            requireText(columns[c], file.toString(), number, "column " + (c + 1));
        }
        return columns;
    }

    private static String requireText(String text, String source, int number, String what) {
        if (Vocabulary.words(text).isEmpty()) {
            throw new IllegalArgumentException(source + " line " + number + ": empty " + what + " (no words)");
        }
        return text;
    }
}
