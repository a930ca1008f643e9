package dev.dl4jlosses.examples.sentence;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the synsets of WordNet 3.0's data files ({@code data.noun}, {@code data.verb}, {@code data.adj},
 * {@code data.adv}; the format is {@code man 5 wndb}). Each line after the license header (whose lines start with two
 * spaces) is
 * {@code offset lex_filenum ss_type w_cnt (word lex_id)... p_cnt (symbol offset pos source/target)... [frames] | gloss},
 * with {@code w_cnt} and {@code lex_id} in hex; verbs list their sentence frames before the gloss. Fields are checked
 * as they are read, so a damaged file is reported at its first bad line rather than turned into wrong sentences.
 */
final class WordNetReader {

    /** The data files, in reading order; the letter at the same index of {@link #ID_PREFIXES} starts their synsets' ids. */
    private static final List<String> DATA_FILES = List.of("data.noun", "data.verb", "data.adj", "data.adv");
    private static final String ID_PREFIXES = "nvar";
    private static final String LICENSE_PREFIX = "  ";
    /** Adjective syntactic markers (attributive, predicative, immediately postnominal) appended to a word in data.adj. */
    private static final Pattern ADJECTIVE_MARKER = Pattern.compile("\\((a|p|ip)\\)$");

    private WordNetReader() {
    }

    /** Every synset of the four data files in {@code dir}, in file order. */
    static List<WordNetSynset> read(Path dir) {
        List<WordNetSynset> synsets = new ArrayList<>();
        for (int f = 0; f < DATA_FILES.size(); f++) {
            Path file = dir.resolve(DATA_FILES.get(f));
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + ": no such file (install WordNet 3.0 with apt install wordnet-base, "
                        + "or give --wordnet-dir the directory holding data.noun, data.verb, data.adj and data.adv)");
            }
            int before = synsets.size();
            readFile(file, ID_PREFIXES.charAt(f), synsets);
            if (synsets.size() == before) {
                throw new IllegalArgumentException(file + ": no synset lines");
            }
        }
        return synsets;
    }

    private static void readFile(Path file, char pos, List<WordNetSynset> synsets) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (line.startsWith(LICENSE_PREFIX)) {
                    continue;
                }
                try {
                    synsets.add(parse(line, pos));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + " line " + number + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** One synset line of the data file whose ids start with {@code pos}. */
    static WordNetSynset parse(String line, char pos) {
        Fields fields = new Fields(line);
        String id = pos + fields.digits("synset offset", 8, 10);
        fields.digits("lex_filenum", 2, 10);
        String type = fields.next("ss_type");
        if (type.length() != 1 || "nvasr".indexOf(type.charAt(0)) < 0) {
            throw new IllegalArgumentException("ss_type '" + type + "' is not one of n, v, a, s, r");
        }
        boolean satellite = type.equals("s");
        int wordCount = Integer.parseInt(fields.digits("w_cnt", 2, 16), 16);
        List<String> lemmas = new ArrayList<>();
        for (int w = 0; w < wordCount; w++) {
            lemmas.add(ADJECTIVE_MARKER.matcher(fields.next("word " + (w + 1))).replaceFirst("").replace('_', ' '));
            fields.digits("lex_id of word " + (w + 1), 1, 16);
        }
        Set<String> groups = new LinkedHashSet<>();
        int pointerCount = Integer.parseInt(fields.digits("p_cnt", 3, 10));
        for (int p = 0; p < pointerCount; p++) {
            String symbol = fields.next("symbol of pointer " + (p + 1));
            String target = fields.digits("offset of pointer " + (p + 1), 8, 10);
            String targetPos = fields.next("part of speech of pointer " + (p + 1));
            if (targetPos.length() != 1 || "nvasr".indexOf(targetPos.charAt(0)) < 0) {
                throw new IllegalArgumentException("pointer " + (p + 1) + " has part of speech '" + targetPos + "', not one of n, v, a, s, r");
            }
            fields.digits("source/target of pointer " + (p + 1), 4, 16);
            String targetId = (targetPos.equals("s") ? "a" : targetPos) + target;
            if (symbol.equals("@") || symbol.equals("@i")) {
                groups.add(targetId);
            } else if (symbol.equals("&")) {
                groups.add(satellite ? targetId : id);
            }
        }
        if (pos == 'v' && !fields.atGloss()) {
            int frames = Integer.parseInt(fields.digits("f_cnt", 2, 10));
            for (int f = 0; f < frames; f++) {
                fields.expect("+", "frame " + (f + 1));
                fields.digits("f_num of frame " + (f + 1), 2, 10);
                fields.digits("w_num of frame " + (f + 1), 2, 16);
            }
        }
        fields.expect("|", "gloss");
        Gloss gloss = Gloss.of(fields.rest());
        return new WordNetSynset(id, List.copyOf(lemmas), gloss.definition(), gloss.examples(), List.copyOf(groups));
    }

    /**
     * A gloss split at the semicolons outside double quotes: quoted parts are example sentences (text after the closing
     * quote, such as an author's name, is dropped), the others make up the definition.
     */
    record Gloss(String definition, List<String> examples) {

        static Gloss of(String gloss) {
            List<String> definition = new ArrayList<>();
            List<String> examples = new ArrayList<>();
            boolean quoted = false;
            int start = 0;
            for (int i = 0; i <= gloss.length(); i++) {
                if (i == gloss.length() || gloss.charAt(i) == ';' && !quoted) {
                    String part = gloss.substring(start, i).trim();
                    if (part.startsWith("\"")) {
                        int close = part.indexOf('"', 1);
                        examples.add(part.substring(1, close < 0 ? part.length() : close).trim());
                    } else if (!part.isEmpty()) {
                        definition.add(part);
                    }
                    start = i + 1;
                } else if (gloss.charAt(i) == '"') {
                    quoted = !quoted;
                }
            }
            return new Gloss(String.join("; ", definition), List.copyOf(examples));
        }
    }

    /** The space-separated fields of one line, read left to right; a missing or malformed field says which it is. */
    private static final class Fields {
        private final String line;
        private int at;

        Fields(String line) {
            this.line = line;
        }

        String next(String what) {
            if (at >= line.length()) {
                throw new IllegalArgumentException("the line ends before the " + what);
            }
            int end = line.indexOf(' ', at);
            end = end < 0 ? line.length() : end;
            String field = line.substring(at, end);
            at = end + 1;
            if (field.isEmpty()) {
                throw new IllegalArgumentException("empty " + what + " (two spaces in a row)");
            }
            return field;
        }

        /** The next field, which must be exactly {@code count} digits in {@code radix}. */
        String digits(String what, int count, int radix) {
            String field = next(what);
            if (field.length() != count || !field.chars().allMatch(c -> Character.digit(c, radix) >= 0)) {
                throw new IllegalArgumentException(what + " '" + field + "' is not " + count + " " + (radix == 16 ? "hex" : "decimal")
                        + " digit" + (count == 1 ? "" : "s"));
            }
            return field;
        }

        void expect(String token, String before) {
            String field = next("'" + token + "' before the " + before);
            if (!field.equals(token)) {
                throw new IllegalArgumentException("expected '" + token + "' before the " + before + ", found '" + field + "'");
            }
        }

        boolean atGloss() {
            return line.startsWith("|", at);
        }

        String rest() {
            return at >= line.length() ? "" : line.substring(at).trim();
        }
    }
}
