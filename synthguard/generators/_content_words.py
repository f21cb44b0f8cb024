"""Whether a rewording still asks for the same things: its content words against the instruction's.

A sentence embedding forgives a lost clause: rewordings at MiniLM cosine 0.85 and above, read one by one, asked
something else in 2 of 12 (round 1 of self-training) and 5 of 15 (round 2): "doesn't include eggs, yet includes
protein" lost its protein, "Complete the paragraph given its prefix" gained "in the English language",
"Output positive, negative or neutral" became "positive or negative, neutral or neutral", "Explain like I am 5"
lost its "like". A word-level comparison sees each:

- ``content_dropped``: a noun, adjective or number of the instruction (by spaCy lemma) that the rewording does
  not say and that none of its new words stands in for (MiniLM cosine of the two words at least
  ``SYNONYM``: "summarization" → "summary" 0.63, "checking" → "check" 0.85; a name or number needs itself),
  or a qualifier (a negation, "only", "like", "each", "multiple", ...) it drops;
- ``content_added``: a noun, adjective or number the instruction has no word near ("song" for "lyrics" 0.65 is
  near; "English" for a paragraph 0.35 is not), a qualifier it did not have, a content word said more often than
  the instruction says it ("neutral or neutral"), or one more request ("Given the name of an exercise, explain"
  became "Provide the name of an exercise and explain").

``invented`` is the added direction alone, for a note written from a row's draft (from_rows), where a dropped
value is ``fact_dropped``'s to judge: a noun, adjective, name or number the draft has no word near is a made-up
finding ("a rare genetic disorder that affects the liver"), unless it spells out an acronym of the draft
("blood pressure" for "BP").

The word vectors miss some synonyms ("gift" → "present" 0.57): such a rewording is refused though it asks the
same, which costs a record, not correctness.

Verbs are left to the sentence embedding: the request verb is what a rewording changes ("design" → "write" 0.38,
"compose" → "create" 0.41), and word vectors do not see those as synonyms. Written here because no installed
library compares two sentences' content words; spaCy gives the lemmas and parse, MiniLM the word similarity.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

CONTENT = {"NOUN", "PROPN", "ADJ", "NUM"}
# Words that point at the input rather than describe it: "the following email" is "this email".
DEICTIC = {"follow", "following", "give", "given", "below", "above", "next", "previous", "such"}
QUALIFIERS = {"not", "n't", "no", "never", "without", "except", "only", "unless", "like", "than", "more", "less",
              "most", "least", "all", "every", "each", "none", "multiple", "single", "both", "either", "neither"}
SYNONYM = 0.6


@cache
def spacy_parser(model: str):
    """The language pack's spaCy pipeline with its parser and lemmatizer (no NER), loaded once per process."""
    import spacy

    from synthguard.scrub.engine import resolve_spacy_model

    return spacy.load(resolve_spacy_model(model), exclude=["ner"])


def _words(doc) -> tuple[Counter, set[str], int, set[str], set[str]]:
    """Content lemmas with their counts, qualifiers, the number of requests (subjectless base-form verbs at the
    root or joined to it: "Provide X and explain Y" is two), every word's lemma (a noun said as a verb is still
    said: "Brainstorm a list" → "List"; "Summarize" stands in for "a summary"), and the names and numbers among
    the content lemmas."""
    content = Counter(t.lemma_.lower() for t in doc if t.pos_ in CONTENT and t.is_alpha and not t.is_stop
                      and t.lemma_.lower() not in DEICTIC)
    content.update(t.text for t in doc if t.like_num and not t.is_alpha)
    qualifiers = {t.lower_ for t in doc if t.lower_ in QUALIFIERS and t.pos_ != "VERB"}
    requests = 0
    for sentence in doc.sents:
        heads = [sentence.root] + [t for t in sentence.root.conjuncts if t.pos_ in ("VERB", "AUX")]
        requests += sum(1 for verb in heads if verb.tag_ in ("VB", "VBP") and
                        not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children))
    exact = {t.lemma_.lower() for t in doc if t.pos_ in ("PROPN", "NUM")} | {t.text for t in doc if t.like_num}
    return content, qualifiers, requests, {t.lemma_.lower() for t in doc if t.is_alpha and not t.is_stop}, exact


def _near(embed, words, pool, exact: set[str]) -> list[str]:
    """``words`` that no word of ``pool`` stands in for (a name or number needs itself)."""
    if not words:
        return []
    every = sorted(set(words) | set(pool))
    vectors = dict(zip(every, embed(every), strict=True))
    return [w for w in words if w in exact or not any(float(vectors[w] @ vectors[p]) >= SYNONYM for p in pool)]


def invented(parser, embed, source: str, text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The nouns, adjectives, names and numbers of ``text`` that ``source`` has no word near: what a note written
    from a row's draft made up ("a rare genetic disorder that affects the liver", "the erythrocyte gold test")."""
    source_doc, text_doc = parser(source), parser(text)
    given, _, _, lemmas, _ = _words(source_doc)
    said, _, _, _, names = _words(text_doc)
    spelled = _spelled_out(source_doc, text_doc)
    return _near(embed, [w for w in said if w not in lemmas | set(given) | allowed | spelled], sorted(lemmas),
                 names)


def _spelled_out(source, text) -> set[str]:
    """Words of ``text`` that spell out an acronym of ``source`` ("blood pressure" for "BP"): word vectors do not
    know that "blood" and "BP" are one thing."""
    acronyms = {t.text.lower() for t in source if t.is_upper and t.is_alpha and 2 <= len(t.text) <= 5}
    words = [t for t in text if t.is_alpha]
    out = set()
    for start in range(len(words)):
        for acronym in acronyms:
            run = words[start:start + len(acronym)]
            if len(run) == len(acronym) and "".join(t.lower_[0] for t in run) == acronym:
                out.update(t.lemma_.lower() for t in run)
    return out


def content_change(parser, embed, instruction: str, rewording: str) -> str | None:
    """``content_dropped``, ``content_added`` or None; ``parser`` is a spaCy pipeline with a parser and
    lemmatizer, ``embed`` returns unit-length word vectors."""
    asked, asked_qualifiers, asked_requests, asked_lemmas, names = _words(parser(instruction))
    said, said_qualifiers, said_requests, lemmas, new_names = _words(parser(rewording))
    added = [w for w in said if w not in asked_lemmas and w not in asked]
    # A name or number has no synonym: "France and Spain" is not "France" (country names sit at 0.6).
    exact = names | new_names
    if asked_qualifiers - said_qualifiers or _near(embed, [w for w in asked if w not in lemmas and w not in said],
                                                           added, exact):
        return "content_dropped"
    if said_qualifiers - asked_qualifiers or _near(embed, added, sorted(asked_lemmas), exact) or \
            any(said[w] > asked[w] for w in said if w in asked) or \
            0 < asked_requests < said_requests:
        return "content_added"
    return None
