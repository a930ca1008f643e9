package dev.dl4jlosses.examples.sentence;

import java.util.List;

/**
 * One WordNet synset as the {@code wordnet} converter needs it: the words of a sense, its definition and example
 * sentences, and the synsets it hangs from (to find its siblings).
 *
 * @param id         part of speech of its data file ({@code n}, {@code v}, {@code a}, {@code r}) and byte offset, e.g.
 *                   {@code n02084071}: offsets are unique only within one data file
 * @param lemmas     its words as written (spaces for underscores, adjective markers removed), e.g. {@code Canis familiaris}
 * @param definition the gloss's definition parts joined by {@code "; "}, or empty if the gloss has none
 * @param examples   the gloss's quoted example sentences, without the quotes
 * @param groups     ids whose synsets are siblings of each other: its hypernyms ({@code @}, {@code @i}) and, for adjectives,
 *                   the head of its similar-to ({@code &}) cluster (a satellite's target, a head's own id)
 */
record WordNetSynset(String id, List<String> lemmas, String definition, List<String> examples, List<String> groups) {

    /** The dictionary entry {@code "lemma1, lemma2: definition"}, the text a sentence about this sense should match. */
    String entry() {
        return String.join(", ", lemmas) + ": " + definition;
    }
}
