package dev.dl4jlosses.examples.sentence;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Turns WordNet synsets into the sentence encoder's data: an example sentence of a sense (the anchor) should be
 * closer to that sense's dictionary entry {@code "lemma1, lemma2: definition"} (the positive) than to the entry of
 * another sense of one of its words. That near miss starts with the same word, so bag of words cannot tell the two
 * apart by the lemma; it is the hard negative of a training pair and the distractor of a held-out pair. Without
 * another sense, a sibling (a synset sharing a hypernym or similar-to cluster) stands in, else a random entry.
 *
 * <p>Only synsets with a definition and an example of at least {@value #MIN_EXAMPLE_WORDS} words make pairs, one
 * each (a random example), so the anchors are spread over many senses. They are shuffled and split by synset: the
 * first ones are the held-out pairs, the next ones the STS pairs, the rest (up to the number asked for) training
 * pairs; no training pair uses a held-out synset, as anchor, positive or negative, nor a held-out anchor's text.
 * STS pairs set a held-out example against an entry scored 2 (its own), 1 (another sense or a sibling) or 0 (a
 * random held-out synset's), a third each.
 */
final class WordNetPairs {

    static final int MIN_EXAMPLE_WORDS = 4;

    /** How a near miss relates to the synset it was chosen for, nearest first. */
    enum Relation { OTHER_SENSE, SIBLING, RANDOM }

    /**
     * @param negatives   the training pairs' hard negatives by relation
     * @param distractors the held-out pairs' distractors by relation
     * @param eligible    synsets with a definition and an example long enough to make a pair
     */
    record Result(ParaphraseCorpus.Splits splits, Map<Relation, Integer> negatives, Map<Relation, Integer> distractors, int eligible) {
    }

    private record Neighbour(WordNetSynset synset, Relation relation) {
    }

    private final Random random;
    /** Synsets with a definition (those that have an entry), in id order. */
    private final List<WordNetSynset> entries;
    /** Lower-cased lemma, and group id, to the synsets having it, in id order. */
    private final Map<String, List<WordNetSynset>> byLemma = new HashMap<>();
    private final Map<String, List<WordNetSynset>> byGroup = new HashMap<>();

    private WordNetPairs(List<WordNetSynset> synsets, long seed) {
        random = new Random(seed);
        entries = synsets.stream().filter(s -> !s.definition().isEmpty()).sorted(Comparator.comparing(WordNetSynset::id)).toList();
        for (WordNetSynset s : entries) {
            s.lemmas().forEach(lemma -> byLemma.computeIfAbsent(lemma.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(s));
            s.groups().forEach(group -> byGroup.computeIfAbsent(group, k -> new ArrayList<>()).add(s));
        }
    }

    /** {@code eval} held-out pairs, as many STS pairs and {@code train} training pairs; the same for the same seed. */
    static Result build(List<WordNetSynset> synsets, int train, int eval, long seed) {
        return new WordNetPairs(synsets, seed).split(train, eval);
    }

    private Result split(int trainCount, int evalCount) {
        List<WordNetSynset> eligible = new ArrayList<>(entries.stream().filter(s -> !longExamples(s).isEmpty()).toList());
        if (eligible.size() <= 2 * evalCount) {
            throw new IllegalArgumentException("only " + eligible.size() + " synsets have a definition and an example of at least "
                    + MIN_EXAMPLE_WORDS + " words; " + evalCount + " held-out and " + evalCount + " STS synsets were asked for (--eval)");
        }
        Collections.shuffle(eligible, random);
        List<WordNetSynset> heldOut = eligible.subList(0, evalCount);
        List<WordNetSynset> stsSynsets = eligible.subList(evalCount, 2 * evalCount);
        List<WordNetSynset> evaluated = eligible.subList(0, 2 * evalCount);
        Set<String> heldOutIds = new HashSet<>(evaluated.stream().map(WordNetSynset::id).toList());
        List<String> anchors = evaluated.stream().map(s -> pick(longExamples(s))).toList();
        Set<String> heldOutAnchors = new HashSet<>(anchors.stream().map(WordNetPairs::normalised).toList());

        Map<Relation, Integer> distractors = new EnumMap<>(Relation.class);
        List<ParaphraseCorpus.Pair> heldOutPairs = new ArrayList<>();
        for (int i = 0; i < heldOut.size(); i++) {
            Neighbour distractor = nearMiss(heldOut.get(i), s -> true, entries);
            distractors.merge(distractor.relation(), 1, Integer::sum);
            heldOutPairs.add(pair(anchors.get(i), heldOut.get(i), distractor.synset()));
        }
        List<ParaphraseCorpus.ScoredPair> sts = new ArrayList<>();
        for (int i = 0; i < stsSynsets.size(); i++) {
            sts.add(scored(anchors.get(evalCount + i), stsSynsets.get(i), 2 - i % 3, evaluated));
        }

        Predicate<WordNetSynset> notHeldOut = s -> !heldOutIds.contains(s.id());
        List<WordNetSynset> trainingEntries = entries.stream().filter(notHeldOut).toList();
        Map<Relation, Integer> negatives = new EnumMap<>(Relation.class);
        List<ParaphraseCorpus.Pair> train = new ArrayList<>();
        for (WordNetSynset s : eligible.subList(2 * evalCount, eligible.size())) {
            if (train.size() == trainCount) {
                break;
            }
            List<String> fresh = longExamples(s).stream().filter(e -> !heldOutAnchors.contains(normalised(e))).toList();
            if (fresh.isEmpty()) {
                continue;
            }
            String anchor = pick(fresh);
            Neighbour negative = nearMiss(s, notHeldOut, trainingEntries);
            negatives.merge(negative.relation(), 1, Integer::sum);
            train.add(pair(anchor, s, negative.synset()));
        }
        if (train.size() < trainCount) {
            throw new IllegalArgumentException("only " + train.size() + " synsets are left for training after the " + 2 * evalCount
                    + " held-out ones (of " + eligible.size() + " with a definition and an example of at least " + MIN_EXAMPLE_WORDS
                    + " words); " + trainCount + " training pairs were asked for (--train)");
        }
        return new Result(new ParaphraseCorpus.Splits(train, heldOutPairs, sts), negatives, distractors, eligible.size());
    }

    /**
     * An STS pair: {@code example} against the entry of its own synset (score 2), of a related one (1) or of a random
     * held-out one (0, also when 1 was asked for and the synset has no related one).
     */
    private ParaphraseCorpus.ScoredPair scored(String example, WordNetSynset own, int score, List<WordNetSynset> heldOut) {
        if (score == 2) {
            return new ParaphraseCorpus.ScoredPair(clean(example), clean(own.entry()), 2);
        }
        Neighbour related = score == 1 ? related(own, s -> true) : null;
        WordNetSynset other = related != null ? related.synset() : randomOther(own, heldOut);
        return new ParaphraseCorpus.ScoredPair(clean(example), clean(other.entry()), related != null ? 1 : 0);
    }

    /** The nearest miss {@link #related} can find, else a random entry of {@code pool}. */
    private Neighbour nearMiss(WordNetSynset synset, Predicate<WordNetSynset> allowed, List<WordNetSynset> pool) {
        Neighbour related = related(synset, allowed);
        return related != null ? related : new Neighbour(randomOther(synset, pool), Relation.RANDOM);
    }

    /** A random allowed other sense of one of the synset's lemmas, else a random allowed sibling, else null. */
    private Neighbour related(WordNetSynset synset, Predicate<WordNetSynset> allowed) {
        List<WordNetSynset> senses = others(synset, synset.lemmas().stream().map(l -> l.toLowerCase(Locale.ROOT)).toList(), byLemma, allowed);
        if (!senses.isEmpty()) {
            return new Neighbour(pick(senses), Relation.OTHER_SENSE);
        }
        List<WordNetSynset> siblings = others(synset, synset.groups(), byGroup, allowed);
        return siblings.isEmpty() ? null : new Neighbour(pick(siblings), Relation.SIBLING);
    }

    /** The allowed synsets listed under any of {@code keys}, except {@code synset} and any with the same entry text; id order. */
    private static List<WordNetSynset> others(WordNetSynset synset, List<String> keys, Map<String, List<WordNetSynset>> index,
                                              Predicate<WordNetSynset> allowed) {
        String entry = synset.entry();
        Map<String, WordNetSynset> found = new LinkedHashMap<>();
        for (String key : keys) {
            for (WordNetSynset other : index.getOrDefault(key, List.of())) {
                if (!other.id().equals(synset.id()) && allowed.test(other) && !other.entry().equals(entry)) {
                    found.putIfAbsent(other.id(), other);
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    private WordNetSynset randomOther(WordNetSynset synset, List<WordNetSynset> pool) {
        if (pool.size() < 2) {
            throw new IllegalArgumentException("too few synsets with a definition to draw a random entry from (" + pool.size() + ")");
        }
        while (true) {
            WordNetSynset other = pool.get(random.nextInt(pool.size()));
            if (!other.id().equals(synset.id())) {
                return other;
            }
        }
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    private static ParaphraseCorpus.Pair pair(String anchor, WordNetSynset positive, WordNetSynset negative) {
        return new ParaphraseCorpus.Pair(clean(anchor), clean(positive.entry()), clean(negative.entry()));
    }

    private static List<String> longExamples(WordNetSynset synset) {
        return synset.examples().stream().filter(e -> Vocabulary.words(e).size() >= MIN_EXAMPLE_WORDS).toList();
    }

    /** The words of a sentence as the encoder sees them, to compare anchors regardless of case and punctuation. */
    private static String normalised(String sentence) {
        return String.join(" ", Vocabulary.words(sentence));
    }

    /** Tabs and line breaks would break the TSV files. */
    private static String clean(String text) {
        return text.replaceAll("[\\t\\r\\n]+", " ").trim();
    }
}
