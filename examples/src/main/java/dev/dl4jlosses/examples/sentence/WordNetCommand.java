package dev.dl4jlosses.examples.sentence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wordnet}: real development data for {@code sentence-encoder} from WordNet 3.0 (Debian's {@code wordnet-base}):
 * example sentences to be matched with their sense's dictionary entry rather than with the entry of another sense of
 * the same word (see {@link WordNetPairs}). Written as the TSV files {@code --pairs}, {@code --eval-pairs} and
 * {@code --sts} read.
 */
@Command(name = "wordnet", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Converts WordNet 3.0 into sentence-encoder data: an example sentence of a word sense paired with that "
                + "sense's dictionary entry (\"lemma1, lemma2: definition\"), against the entry of another sense of the same "
                + "word (else a sibling sense, else a random one). Writes train-pairs.tsv (anchor, positive, hard negative), "
                + "eval-pairs.tsv (held-out senses: anchor, positive, distractor) and sts.tsv (held-out example, entry, score "
                + "2 = its sense, 1 = another sense or a sibling, 0 = unrelated).",
                "Get the data with: apt install wordnet-base (it installs /usr/share/wordnet/data.noun, data.verb, data.adj, data.adv).",
                "Example: java -jar dl4j-losses-examples.jar wordnet --out data/wordnet && java -jar dl4j-losses-examples.jar "
                        + "sentence-encoder --pairs data/wordnet/train-pairs.tsv --eval-pairs data/wordnet/eval-pairs.tsv --sts data/wordnet/sts.tsv"})
public final class WordNetCommand implements Callable<Integer> {

    static final String TRAIN_FILE = "train-pairs.tsv";
    static final String EVAL_FILE = "eval-pairs.tsv";
    static final String STS_FILE = "sts.tsv";

    @Option(names = "--wordnet-dir", paramLabel = "DIR", defaultValue = "/usr/share/wordnet",
            description = "Directory holding WordNet's data.noun, data.verb, data.adj and data.adv (default: ${DEFAULT-VALUE}).")
    Path wordnetDir;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where to write " + TRAIN_FILE + ", " + EVAL_FILE + " and " + STS_FILE + ".")
    Path out;

    @Option(names = "--train", paramLabel = "N", defaultValue = "12000", description = "Training pairs, one per synset (default: ${DEFAULT-VALUE}).")
    int train;

    @Option(names = "--eval", paramLabel = "N", defaultValue = "1000", description = "Held-out pairs, and as many STS pairs, "
            + "each from its own synset outside the training ones (default: ${DEFAULT-VALUE}).")
    int eval;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the split and of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (train < 1 || eval < 3) {
            throw new IllegalArgumentException("need --train >= 1 and --eval >= 3 (so that every STS score occurs); got " + train + " and " + eval);
        }
        if (!Files.isDirectory(wordnetDir)) {
            throw new IllegalArgumentException(wordnetDir + ": no such directory (install WordNet 3.0 with apt install wordnet-base, "
                    + "or give --wordnet-dir)");
        }
        List<WordNetSynset> synsets = WordNetReader.read(wordnetDir);
        WordNetPairs.Result result = WordNetPairs.build(synsets, train, eval, seed);
        ParaphraseCorpus.Splits splits = result.splits();
        Files.createDirectories(out);
        write(out.resolve(TRAIN_FILE), splits.train().stream().map(WordNetCommand::row).toList());
        write(out.resolve(EVAL_FILE), splits.heldOut().stream().map(WordNetCommand::row).toList());
        write(out.resolve(STS_FILE), splits.sts().stream().map(p -> p.first() + "\t" + p.second() + "\t" + (int) p.score()).toList());
        System.out.printf(Locale.ROOT, "wordnet: %d synsets, %d with a definition and an example of >= %d words; wrote %d training pairs "
                        + "(hard negatives: %s), %d held-out pairs (distractors: %s) and %d STS pairs (%d / %d / %d scored 2 / 1 / 0) to %s%n",
                synsets.size(), result.eligible(), WordNetPairs.MIN_EXAMPLE_WORDS, splits.train().size(), relations(result.negatives()),
                splits.heldOut().size(), relations(result.distractors()), splits.sts().size(), scored(splits, 2), scored(splits, 1),
                scored(splits, 0), out.toAbsolutePath().normalize());
        return 0;
    }

    private static String row(ParaphraseCorpus.Pair pair) {
        return pair.anchor() + "\t" + pair.positive() + "\t" + pair.negative();
    }

    private static void write(Path file, List<String> lines) throws IOException {
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private static String relations(Map<WordNetPairs.Relation, Integer> counts) {
        return String.format(Locale.ROOT, "%d other senses, %d siblings, %d random", counts.getOrDefault(WordNetPairs.Relation.OTHER_SENSE, 0),
                counts.getOrDefault(WordNetPairs.Relation.SIBLING, 0), counts.getOrDefault(WordNetPairs.Relation.RANDOM, 0));
    }

    private static long scored(ParaphraseCorpus.Splits splits, int score) {
        return splits.sts().stream().filter(p -> p.score() == score).count();
    }
}
