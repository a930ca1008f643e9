package dev.dl4jlosses.examples.sentence;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The embedded default corpus, generated in-process (written for this project): a sentence states who did what to
 * which thing, where and when (five slots, each a concept from a small list), realised with a random synonym per
 * concept and one of four word orders (active or passive, time first or last). A paraphrase realises the same five
 * concepts with independently chosen synonyms (a different one than the anchor's for each slot, with probability
 * {@value #SWAP_SYNONYM}) and word order, so it means the same but shares few content words; bag-of-words methods
 * see only the overlap, an encoder has to learn which words mean the same.
 *
 * <p>Training pairs come with a hard negative: the anchor with one slot changed to another concept, realised with
 * the anchor's own words elsewhere (most surface words shared, meaning different). Held-out pairs come with a near
 * miss, a paraphrase of the anchor with one slot changed (a distractor for retrieval). Held-out pairs, their near
 * misses and the first sentence of each STS pair use concept tuples that occur in no training pair.
 */
public final class ParaphraseCorpus {

    /** Probability that a paraphrase uses a different synonym than its anchor for a slot. */
    static final double SWAP_SYNONYM = 0.8;

    private static final String[][] AGENTS = {
        {"the doctor", "the physician", "the medic"}, {"the teacher", "the instructor", "the tutor"},
        {"the lawyer", "the attorney", "the counsel"}, {"the chef", "the cook"}, {"the child", "the kid", "the youngster"},
        {"the police officer", "the cop", "the constable"}, {"the farmer", "the grower", "the rancher"},
        {"the student", "the pupil", "the learner"}, {"the pilot", "the aviator"}, {"the soldier", "the trooper"},
        {"the boss", "the manager", "the supervisor"}, {"the woman", "the lady"}, {"the man", "the gentleman", "the guy"},
        {"the writer", "the author", "the novelist"}, {"the singer", "the vocalist"}, {"the thief", "the burglar", "the robber"},
    };
    /** Verb concepts: synonyms as {past tense, past participle}. */
    private static final String[][][] VERBS = {
        {{"bought", "bought"}, {"purchased", "purchased"}, {"acquired", "acquired"}},
        {{"repaired", "repaired"}, {"fixed", "fixed"}, {"mended", "mended"}},
        {{"broke", "broken"}, {"smashed", "smashed"}, {"wrecked", "wrecked"}},
        {{"cleaned", "cleaned"}, {"washed", "washed"}, {"scrubbed", "scrubbed"}},
        {{"lost", "lost"}, {"misplaced", "misplaced"}, {"mislaid", "mislaid"}},
        {{"found", "found"}, {"discovered", "discovered"}, {"located", "located"}},
        {{"carried", "carried"}, {"hauled", "hauled"}, {"lugged", "lugged"}},
        {{"hid", "hidden"}, {"concealed", "concealed"}, {"stashed", "stashed"}},
        {{"examined", "examined"}, {"inspected", "inspected"}, {"checked", "checked"}},
        {{"sold", "sold"}, {"traded", "traded"}, {"auctioned", "auctioned"}},
        {{"painted", "painted"}, {"decorated", "decorated"}, {"coloured", "coloured"}},
        {{"stole", "stolen"}, {"pinched", "pinched"}, {"swiped", "swiped"}},
    };
    private static final String[][] OBJECTS = {
        {"a car", "an automobile", "a vehicle"}, {"a bike", "a bicycle", "a cycle"}, {"a phone", "a mobile", "a cellphone"},
        {"a computer", "a laptop", "a notebook"}, {"a painting", "a picture", "an artwork"}, {"a boat", "a ship", "a vessel"},
        {"a book", "a novel", "a volume"}, {"a couch", "a sofa", "a settee"}, {"a present", "a gift"},
        {"a bag", "a sack", "a satchel"}, {"a hat", "a cap"}, {"a jacket", "a coat"}, {"some money", "some cash", "some funds"},
        {"a dog", "a puppy", "a hound"}, {"a watch", "a wristwatch", "a timepiece"}, {"a lamp", "a lantern", "a light"},
    };
    private static final String[][] PLACES = {
        {"in the city", "downtown", "in town"}, {"at the market", "at the bazaar", "at the marketplace"},
        {"near the river", "by the stream", "beside the creek"}, {"at the station", "at the depot", "at the terminal"},
        {"in the garden", "in the yard", "in the backyard"}, {"at the beach", "on the shore", "by the sea"},
        {"in the forest", "in the woods"}, {"at school", "at the academy"}, {"at the hospital", "at the clinic"},
        {"at the office", "at work", "at the workplace"}, {"in the village", "in the hamlet"},
    };
    private static final String[][] TIMES = {
        {"yesterday", "the day before"}, {"this morning", "earlier today"}, {"last night", "yesterday evening"},
        {"last week", "seven days ago"}, {"on monday", "at the start of the week"}, {"recently", "lately", "not long ago"},
        {"at noon", "at midday"}, {"in the summer", "during the summer"},
    };
    private static final int[] CONCEPTS = {AGENTS.length, VERBS.length, OBJECTS.length, PLACES.length, TIMES.length};
    private static final int SLOTS = CONCEPTS.length;
    private static final int ORDERS = 4;

    /** A supervised training row (hard negative may be null) or a held-out pair (with a near miss, or null). */
    public record Pair(String anchor, String positive, String negative) {
    }

    /** Two sentences and a graded similarity: the number of concepts (of 5) they share. */
    public record ScoredPair(String first, String second, double score) {
    }

    /** @param train training pairs, held out: evaluation pairs, sts: scored pairs (all from held-out concept tuples) */
    public record Splits(List<Pair> train, List<Pair> heldOut, List<ScoredPair> sts) {
    }

    private final Random random;

    private ParaphraseCorpus(long seed) {
        this.random = new Random(seed);
    }

    /** {@code trainPairs} training pairs with hard negatives, {@code heldOutPairs} held-out pairs and as many STS pairs. */
    public static Splits generate(int trainPairs, int heldOutPairs, int stsPairs, long seed) {
        ParaphraseCorpus corpus = new ParaphraseCorpus(seed);
        Set<Long> seen = new HashSet<>();
        List<Pair> train = new ArrayList<>();
        for (int i = 0; i < trainPairs; i++) {
            int[] tuple = corpus.freshTuple(seen);
            int[] anchorWords = corpus.randomRealisation();
            int[] other = tuple.clone();
            int slot = corpus.random.nextInt(SLOTS);
            other[slot] = (tuple[slot] + 1 + corpus.random.nextInt(CONCEPTS[slot] - 1)) % CONCEPTS[slot];
            int order = corpus.random.nextInt(ORDERS);
            train.add(new Pair(render(tuple, anchorWords, order), corpus.paraphrase(tuple, anchorWords),
                    render(other, anchorWords, order)));
        }
        List<Pair> heldOut = new ArrayList<>();
        for (int i = 0; i < heldOutPairs; i++) {
            int[] tuple = corpus.freshTuple(seen);
            int[] anchorWords = corpus.randomRealisation();
            int[] nearMiss = corpus.freshNeighbour(tuple, seen);
            heldOut.add(new Pair(render(tuple, anchorWords, corpus.random.nextInt(ORDERS)), corpus.paraphrase(tuple, anchorWords),
                    corpus.paraphrase(nearMiss, anchorWords)));
        }
        List<ScoredPair> sts = new ArrayList<>();
        for (int i = 0; i < stsPairs; i++) {
            int[] first = corpus.freshTuple(seen);
            int[] second = first.clone();
            int changed = corpus.random.nextInt(SLOTS + 1);
            for (int slot : corpus.shuffledSlots().subList(0, changed)) {
                second[slot] = (first[slot] + 1 + corpus.random.nextInt(CONCEPTS[slot] - 1)) % CONCEPTS[slot];
            }
            seen.add(key(second));
            int[] words = corpus.randomRealisation();
            sts.add(new ScoredPair(render(first, words, corpus.random.nextInt(ORDERS)), corpus.paraphrase(second, words), SLOTS - changed));
        }
        return new Splits(train, heldOut, sts);
    }

    /** A concept tuple not generated before (so held-out tuples never occur in training). */
    private int[] freshTuple(Set<Long> seen) {
        while (true) {
            int[] tuple = new int[SLOTS];
            for (int slot = 0; slot < SLOTS; slot++) {
                tuple[slot] = random.nextInt(CONCEPTS[slot]);
            }
            if (seen.add(key(tuple))) {
                return tuple;
            }
        }
    }

    /** The tuple with one slot changed to another concept, not generated before. */
    private int[] freshNeighbour(int[] tuple, Set<Long> seen) {
        while (true) {
            int[] other = tuple.clone();
            int slot = random.nextInt(SLOTS);
            other[slot] = (tuple[slot] + 1 + random.nextInt(CONCEPTS[slot] - 1)) % CONCEPTS[slot];
            if (seen.add(key(other))) {
                return other;
            }
        }
    }

    private static long key(int[] tuple) {
        long key = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            key = key * 64 + tuple[slot];
        }
        return key;
    }

    /** A synonym choice per slot, as an index taken modulo the concept's number of synonyms. */
    private int[] randomRealisation() {
        int[] words = new int[SLOTS];
        for (int slot = 0; slot < SLOTS; slot++) {
            words[slot] = random.nextInt(6);
        }
        return words;
    }

    /** The tuple with, per slot, another synonym than {@code anchorWords}' with probability SWAP_SYNONYM; random order. */
    private String paraphrase(int[] tuple, int[] anchorWords) {
        int[] words = new int[SLOTS];
        for (int slot = 0; slot < SLOTS; slot++) {
            int synonyms = synonyms(slot, tuple[slot]);
            int anchor = anchorWords[slot] % synonyms;
            words[slot] = random.nextDouble() < SWAP_SYNONYM ? (anchor + 1 + random.nextInt(synonyms - 1)) % synonyms : anchor;
        }
        return render(tuple, words, random.nextInt(ORDERS));
    }

    private List<Integer> shuffledSlots() {
        List<Integer> slots = new ArrayList<>(List.of(0, 1, 2, 3, 4));
        java.util.Collections.shuffle(slots, random);
        return slots;
    }

    private static int synonyms(int slot, int concept) {
        return switch (slot) {
            case 0 -> AGENTS[concept].length;
            case 1 -> VERBS[concept].length;
            case 2 -> OBJECTS[concept].length;
            case 3 -> PLACES[concept].length;
            default -> TIMES[concept].length;
        };
    }

    static String render(int[] tuple, int[] words, int order) {
        String agent = pick(AGENTS[tuple[0]], words[0]);
        String[] verb = VERBS[tuple[1]][words[1] % VERBS[tuple[1]].length];
        String object = pick(OBJECTS[tuple[2]], words[2]);
        String place = pick(PLACES[tuple[3]], words[3]);
        String time = pick(TIMES[tuple[4]], words[4]);
        return switch (order) {
            case 0 -> String.join(" ", agent, verb[0], object, place, time);
            case 1 -> String.join(" ", time, agent, verb[0], object, place);
            case 2 -> String.join(" ", object, "was", verb[1], "by", agent, place, time);
            default -> String.join(" ", time, object, "was", verb[1], place, "by", agent);
        };
    }

    private static String pick(String[] synonyms, int word) {
        return synonyms[word % synonyms.length];
    }
}
