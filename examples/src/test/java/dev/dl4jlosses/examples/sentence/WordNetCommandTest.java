package dev.dl4jlosses.examples.sentence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.dl4jlosses.examples.ExamplesCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * WordNet's data-file format, made up here (44 synsets in the four files: words shared between senses and between
 * parts of speech, hypernyms, instance hypernyms, adjective clusters with syntactic markers, synsets without or with
 * too short examples), through the {@code wordnet} converter and back through {@link SentenceFiles}.
 */
class WordNetCommandTest {

    /** A synset of the made-up WordNet: pointers as e.g. {@code @n200} (symbol, part of speech, offset). */
    private record Fixture(char file, int offset, char type, String words, String pointers, String definition, String... examples) {

        String line() {
            String[] words = this.words.split(" ");
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%08d %02d %c %02x", offset, 5, type, words.length));
            for (int w = 0; w < words.length; w++) {
                line.append(' ').append(words[w]).append(' ').append(Integer.toHexString((offset / 100 + w) % 16));
            }
            String[] pointers = this.pointers.isEmpty() ? new String[0] : this.pointers.split(" ");
            line.append(String.format(Locale.ROOT, " %03d", pointers.length));
            for (String pointer : pointers) {
                Matcher m = POINTER.matcher(pointer);
                assertTrue(m.matches(), pointer);
                line.append(String.format(Locale.ROOT, " %s %08d %s 0000", m.group(1), Integer.parseInt(m.group(3)), m.group(2)));
            }
            if (file == 'v') {
                line.append(" 02 + 02 00 + 08 01");
            }
            line.append(" | ").append(definition);
            Arrays.stream(examples).forEach(e -> line.append("; \"").append(e).append('"'));
            return line.append("  ").toString();
        }
    }

    private static final Pattern POINTER = Pattern.compile("(.+?)([nvasr])(\\d+)");
    private static final List<String> LICENSE = List.of("  1 This software and database is being provided to you, the LICENSEE, by  ",
            "  2 Princeton University under the following license.  By obtaining, using  ");

    private static final List<Fixture> SYNSETS = List.of(
        new Fixture('n', 100, 'n', "animal animate_being beast", "", "a living organism characterized by voluntary movement", "the animal ran into the forest at night"),
        new Fixture('n', 200, 'n', "canine canid", "@n100", "any of various fissiped mammals with nonretractile claws", "the canine tracked the scent for miles"),
        new Fixture('n', 300, 'n', "dog domestic_dog Canis_familiaris", "@n200 @n100", "a member of the genus Canis that has been domesticated by man; occurs in many breeds",
                "the dog barked all night", "a dog"),
        new Fixture('n', 400, 'n', "frump dog", "@n500", "a dull unattractive unpleasant girl or woman", "she got a reputation as a frump", "she's a real dog"),
        new Fixture('n', 500, 'n', "person individual someone", "", "a human being", "there was too much for one person to do"),
        new Fixture('n', 600, 'n', "wolf", "@n200", "any of various predatory carnivorous canine mammals", "the wolf howled at the pale moon"),
        new Fixture('n', 700, 'n', "wolf woman_chaser", "@n500", "a man who is aggressive in making amorous advances to women", "he was a wolf at every party"),
        new Fixture('n', 800, 'n', "bank", "@n900", "sloping land beside a body of water", "they pulled the canoe up on the bank"),
        new Fixture('n', 900, 'n', "slope incline", "", "an elevated geological formation", "the slope was too steep to climb"),
        new Fixture('n', 1000, 'n', "depository_financial_institution bank banking_company", "@n1100", "a financial institution that accepts deposits",
                "he cashed a check at the bank"),
        new Fixture('n', 1100, 'n', "institution establishment", "", "an organization founded for a specific purpose", "the institution opened its doors last year"),
        new Fixture('n', 1200, 'n', "cat true_cat", "@n100", "feline mammal usually having thick soft fur"),
        new Fixture('n', 1300, 'n', "cat big_cat", "@n100", "any of several large cats typically able to roar", "the cat stalked its prey through the grass"),
        new Fixture('n', 1400, 'n', "hammer", "@n1500", "a hand tool with a heavy rigid head", "he drove the nail with a hammer"),
        new Fixture('n', 1500, 'n', "hand_tool", "", "a tool used in the hand", "every carpenter keeps a hand tool nearby"),
        new Fixture('n', 1600, 'n', "Paris City_of_Light French_capital", "@in1800", "the capital and largest city of France", "we spent a week in Paris last spring"),
        new Fixture('n', 1700, 'n', "Paris", "@in500", "son of Priam who abducted Helen", "Paris carried Helen away to Troy"),
        new Fixture('n', 1800, 'n', "city metropolis urban_center", "", "a large and densely populated urban area", "the city woke up early on monday"),
        new Fixture('n', 1900, 'n', "Rome Eternal_City Italian_capital", "@in1800", "capital and largest city of Italy", "all roads lead to Rome in the end"),
        new Fixture('n', 2000, 'n', "mouse", "@n100", "any of numerous small rodents", "a mouse ran across the kitchen floor"),
        new Fixture('n', 2100, 'n', "mouse computer_mouse", "@n2200", "a hand-operated electronic device that controls a cursor", "she clicked the mouse twice to open it"),
        new Fixture('n', 2200, 'n', "device", "", "an instrumentality invented for a particular purpose", "the device measures air pressure precisely"),
        new Fixture('n', 2300, 'n', "fog", "", "droplets of water vapor suspended in the air", "the fog lifted"),
        new Fixture('n', 2400, 'n', "proverb adage saw", "", "a condensed but memorable saying", "a stitch in time saves nine"),
        new Fixture('v', 100, 'v', "run", "", "move fast by using one's feet", "don't run on the wet floor please"),
        new Fixture('v', 200, 'v', "operate run", "", "direct or control", "she runs the shop on main street"),
        new Fixture('v', 300, 'v', "bark", "@v400", "make barking sounds", "the dogs barked at the stranger"),
        new Fixture('v', 400, 'v', "sound utter", "", "make a certain noise or sound", "the bell sounded across the valley"),
        new Fixture('v', 500, 'v', "bank", "", "do business with a bank", "we bank with the local credit union"),
        new Fixture('v', 600, 'v', "dog chase chase_after", "", "go after with the intent to catch", "the policeman dogged the suspect for hours"),
        new Fixture('v', 700, 'v', "saw", "", "cut with a saw", "saw wood for the fireplace tonight"),
        new Fixture('v', 800, 'v', "hum", "", "sing with closed lips"),
        new Fixture('a', 100, 'a', "fast", "&s200 &s300", "acting or moving or capable of acting or moving quickly", "fast film", "on the fast track in school"),
        new Fixture('a', 200, 's', "quick(a) speedy", "&a100", "accomplished rapidly", "a quick glance at the morning paper"),
        new Fixture('a', 300, 's', "express(a)", "&a100", "moving or operating at high speed", "an express train to the coast"),
        new Fixture('a', 400, 'a', "fast", "", "firmly fixed or attached", "the post was fast in the ground"),
        new Fixture('a', 500, 's', "galore(ip) abounding", "&a600", "existing in abundance", "there was whiskey galore at the party"),
        new Fixture('a', 600, 'a', "abundant", "&s500", "present in great quantity", "an abundant supply of fresh water"),
        new Fixture('a', 700, 'a', "ready(p)", "", "completely prepared or in condition for immediate action", "we are ready to leave now"),
        new Fixture('a', 800, 's', "handy ready_to_hand(p)", "&a900", "easy to reach", "found a handy spot for the can opener"),
        new Fixture('a', 900, 'a', "accessible", "&s800", "capable of being reached", "a town accessible by rail"),
        new Fixture('r', 100, 'r', "quickly rapidly speedily apace chop-chop fast quick hurriedly hastily swiftly briskly", "",
                "with rapid movements", "he works quickly and efficiently every day"),
        new Fixture('r', 200, 'r', "fast", "", "quickly or rapidly", "she runs fast across the field"),
        new Fixture('r', 300, 'r', "well", "", "in a good or proper manner", "the children behaved well at dinner"));

    /** 44 synsets, less the one without examples in each of data.noun and data.verb and the one whose example has 3 words. */
    private static final int ELIGIBLE = 41;

    @TempDir
    Path dir;

    private Path writeWordNet() throws IOException {
        Path wordnet = Files.createDirectories(dir.resolve("wordnet"));
        for (Map.Entry<Character, String> file : Map.of('n', "data.noun", 'v', "data.verb", 'a', "data.adj", 'r', "data.adv").entrySet()) {
            List<String> lines = new ArrayList<>(LICENSE);
            SYNSETS.stream().filter(s -> s.file() == file.getKey()).map(Fixture::line).forEach(lines::add);
            Files.write(wordnet.resolve(file.getValue()), lines, StandardCharsets.US_ASCII);
        }
        return wordnet;
    }

    @Test
    void readsEntriesWithUnderscoresAndAdjectiveMarkersReplacedAndTheGroupsOfSiblings() throws IOException {
        Map<String, WordNetSynset> synsets = WordNetReader.read(writeWordNet()).stream()
                .collect(Collectors.toMap(WordNetSynset::id, s -> s));
        assertEquals(SYNSETS.size(), synsets.size());
        assertEquals("handy, ready to hand: easy to reach", synsets.get("a00000800").entry());
        assertEquals(List.of("a00000900"), synsets.get("a00000800").groups(), "a satellite's cluster is named by its head");
        assertEquals(List.of("a00000600"), synsets.get("a00000600").groups(), "a head names its own cluster");
        WordNetSynset dog = synsets.get("n00000300");
        assertEquals("dog, domestic dog, Canis familiaris: a member of the genus Canis that has been domesticated by man; occurs in many breeds",
                dog.entry());
        assertEquals(List.of("the dog barked all night", "a dog"), dog.examples());
        assertEquals(List.of("n00000200", "n00000100"), dog.groups());
        assertEquals(List.of("n00001800"), synsets.get("n00001900").groups(), "instance hypernyms count");
        assertEquals(11, synsets.get("r00000100").lemmas().size(), "w_cnt is hex");
        assertEquals(List.of(), synsets.get("v00000800").examples(), "hum has none");
    }

    @Test
    void splitsAGlossAtSemicolonsOutsideQuotesAndDropsAttributions() {
        WordNetReader.Gloss gloss = WordNetReader.Gloss.of("a condensed saying; often old; \"a stitch in time; saves nine\"- Old Saying; \"look before you leap\"");
        assertEquals("a condensed saying; often old", gloss.definition());
        assertEquals(List.of("a stitch in time; saves nine", "look before you leap"), gloss.examples());
    }

    @Test
    void writesDisjointTrainingAndHeldOutPairsWithOtherSensesAsNegatives() throws IOException {
        Path wordnet = writeWordNet();
        Path out = dir.resolve("out");
        Result run = run("wordnet", "--wordnet-dir", wordnet.toString(), "--out", out.toString(), "--train", "31", "--eval", "5");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().startsWith("wordnet: 44 synsets, " + ELIGIBLE + " with a definition and an example of >= 4 words; "
                + "wrote 31 training pairs"), run.out());

        List<ParaphraseCorpus.Pair> train = SentenceFiles.pairs(out.resolve(WordNetCommand.TRAIN_FILE));
        List<ParaphraseCorpus.Pair> heldOut = SentenceFiles.pairs(out.resolve(WordNetCommand.EVAL_FILE));
        List<ParaphraseCorpus.ScoredPair> sts = SentenceFiles.scoredPairs(out.resolve(WordNetCommand.STS_FILE));
        assertEquals(List.of(31, 5, 5), List.of(train.size(), heldOut.size(), sts.size()));
        List<Double> scores = sts.stream().map(ParaphraseCorpus.ScoredPair::score).toList();
        assertEquals(List.of(2.0, 2.0), scores.stream().filter(x -> x == 2).toList(), "a third own entries: " + scores);
        assertTrue(scores.stream().filter(x -> x == 1).count() <= 2, "a third related (or random if there is none): " + scores);

        List<WordNetSynset> synsets = WordNetReader.read(wordnet);
        Map<String, WordNetSynset> byExample = new HashMap<>();
        synsets.forEach(s -> s.examples().forEach(e -> byExample.put(e, s)));
        Set<String> heldOutEntries = new HashSet<>();
        heldOut.forEach(p -> heldOutEntries.add(byExample.get(p.anchor()).entry()));
        sts.forEach(p -> heldOutEntries.add(byExample.get(p.first()).entry()));
        assertEquals(10, heldOutEntries.size(), "one pair per held-out synset");
        Set<String> trainingText = new HashSet<>();
        for (ParaphraseCorpus.Pair p : train) {
            assertEquals(byExample.get(p.anchor()).entry(), p.positive(), "a training anchor's positive is its own synset's entry");
            trainingText.addAll(List.of(p.anchor(), p.positive(), p.negative()));
        }
        assertEquals(Set.of(), intersection(heldOutEntries, trainingText), "held-out synsets are not used in training");
        assertEquals(Set.of(), intersection(new HashSet<>(heldOut.stream().map(ParaphraseCorpus.Pair::anchor).toList()), trainingText));
        assertEquals(31, new HashSet<>(train.stream().map(p -> byExample.get(p.anchor()).id()).toList()).size(), "one pair per synset");

        List<String> trainingEntries = synsets.stream().map(WordNetSynset::entry).filter(e -> !heldOutEntries.contains(e)).toList();
        assertTrue(otherSenseNegatives(train, trainingEntries) >= 10, "22 of the 41 synsets have another sense");
        otherSenseNegatives(heldOut, synsets.stream().map(WordNetSynset::entry).toList());
        for (ParaphraseCorpus.ScoredPair p : sts) {
            String own = byExample.get(p.first()).entry();
            assertEquals(p.score() == 2, own.equals(p.second()), p.toString());
            assertTrue(p.score() != 0 || heldOutEntries.contains(p.second()), "score 0 is another held-out entry: " + p);
        }
    }

    /**
     * Checks that each pair's negative shares a lemma with its positive exactly when the positive's synset has another
     * sense among {@code entries}; returns the number of pairs for which it has.
     */
    private static int otherSenseNegatives(List<ParaphraseCorpus.Pair> pairs, List<String> entries) {
        int otherSenses = 0;
        for (ParaphraseCorpus.Pair p : pairs) {
            Set<String> lemmas = lemmas(p.positive());
            boolean exists = entries.stream().anyMatch(e -> !e.equals(p.positive()) && !intersection(lemmas(e), lemmas).isEmpty());
            assertNotEquals(p.positive(), p.negative());
            assertEquals(exists, !intersection(lemmas(p.negative()), lemmas).isEmpty(), "negative of " + p);
            otherSenses += exists ? 1 : 0;
        }
        return otherSenses;
    }

    private static Set<String> lemmas(String entry) {
        return new HashSet<>(Arrays.stream(entry.substring(0, entry.indexOf(": ")).split(", ")).map(l -> l.toLowerCase(Locale.ROOT)).toList());
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> both = new HashSet<>(a);
        both.retainAll(b);
        return both;
    }

    @Test
    void theSameSeedWritesTheSameFilesAndAnotherSeedOthers() throws IOException {
        Path wordnet = writeWordNet();
        List<String> first = convert(wordnet, "a", "7");
        assertEquals(first, convert(wordnet, "b", "7"));
        assertNotEquals(first.get(0), convert(wordnet, "c", "8").get(0));
    }

    private List<String> convert(Path wordnet, String out, String seed) throws IOException {
        Result run = run("wordnet", "--wordnet-dir", wordnet.toString(), "--out", dir.resolve(out).toString(), "--train", "20", "--eval", "4",
                "--seed", seed);
        assertEquals(0, run.code(), run.err());
        List<String> files = new ArrayList<>();
        for (String name : List.of(WordNetCommand.TRAIN_FILE, WordNetCommand.EVAL_FILE, WordNetCommand.STS_FILE)) {
            files.add(Files.readString(dir.resolve(out).resolve(name)));
        }
        return files;
    }

    @Test
    void malformedLinesMissingFilesAndTooFewSynsetsAreNamed() throws IOException {
        Path wordnet = writeWordNet();
        Path verbs = wordnet.resolve("data.verb");
        List<String> lines = new ArrayList<>(Files.readAllLines(verbs));
        lines.set(3, lines.get(3).replace(" 000 ", " 0 "));   // the second synset's p_cnt
        Files.write(verbs, lines);
        Result malformed = run("wordnet", "--wordnet-dir", wordnet.toString(), "--out", dir.resolve("a").toString());
        assertEquals(2, malformed.code());
        assertTrue(malformed.err().contains("error: " + verbs + " line 4: p_cnt '0' is not 3 decimal digits"), malformed.err());

        Files.delete(verbs);
        Result missingFile = run("wordnet", "--wordnet-dir", wordnet.toString(), "--out", dir.resolve("b").toString());
        assertEquals(2, missingFile.code());
        assertTrue(missingFile.err().contains("error: " + verbs + ": no such file (install WordNet 3.0 with apt install wordnet-base"),
                missingFile.err());

        Path nowhere = dir.resolve("nowhere");
        Result missingDir = run("wordnet", "--wordnet-dir", nowhere.toString(), "--out", dir.resolve("c").toString());
        assertEquals(2, missingDir.code());
        assertTrue(missingDir.err().contains("error: " + nowhere + ": no such directory"), missingDir.err());
        assertFalse(Files.exists(dir.resolve("c")), "nothing written");

        Result tooMany = run("wordnet", "--wordnet-dir", writeWordNet().toString(), "--out", dir.resolve("d").toString(), "--eval", "5");
        assertEquals(2, tooMany.code());
        assertTrue(tooMany.err().contains("only 31 synsets are left for training after the 10 held-out ones (of " + ELIGIBLE), tooMany.err());
    }

    private record Result(int code, String out, String err) {
    }

    /** Runs the CLI in-process, capturing System.out (the command prints its summary there) and picocli's error stream. */
    private static Result run(String... args) {
        CommandLine cli = ExamplesCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return new Result(cli.execute(args), out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(original);
        }
    }
}
