"""The checks behind text generation beyond tier 0: tier-1 NLI (a tiny BERT classifier built and saved
here, loaded through from_pretrained), memorization (shared runs and MinHash), embedding similarity."""

import pytest

from synthguard.errors import ModelError
from synthguard.validators.factuality import faithfulness

SOURCE = "Metoprolol 50 mg daily, left knee swelling, denies chest pain."
FAITHFUL = "Takes metoprolol 50 mg each day; swelling of the left knee; denies chest pain."
WORDS = sorted(set((SOURCE + " " + FAITHFUL + " 500").lower().replace(",", " ").replace(";", " ")
                   .replace(".", " ").split()))


def _nli_model(folder, winner: str | None, labels=("contradiction", "entailment", "neutral")):
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    folder.mkdir()
    (folder / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt")).save_pretrained(folder)
    config = BertConfig(vocab_size=5 + len(WORDS), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, num_labels=3, id2label=dict(enumerate(labels)),
                        label2id={v: k for k, v in enumerate(labels)})
    model = BertForSequenceClassification(config)
    if winner is not None:  # the classifier ignores the text and always prefers one label
        with torch.no_grad():
            model.classifier.weight.zero_()
            model.classifier.bias.copy_(torch.tensor([6.0 if label == winner else 0.0 for label in labels]))
    model.save_pretrained(folder)
    return str(folder)


def test_tier1_entailment_scores_a_faithful_rewrite_and_tier0_still_catches_a_dose(tmp_path):
    from synthguard.measures.nli import NLIJudge

    judge = NLIJudge(_nli_model(tmp_path / "entails", "entailment"))
    faithful, changed = faithfulness([SOURCE, SOURCE], [FAITHFUL, FAITHFUL.replace("50", "500")], nli=judge)
    assert faithful > 0.99  # 0.5 + 0.5 x P(entailment) both ways, not word overlap
    assert changed < 0.5


def test_tier1_contradiction_rejects_what_tier0_lets_through(tmp_path):
    from synthguard.measures.nli import NLIJudge

    judge = NLIJudge(_nli_model(tmp_path / "contradicts", "contradiction", ("entailment", "neutral",
                                                                           "contradiction")))
    (score,) = faithfulness([SOURCE], [FAITHFUL], nli=judge)
    assert faithfulness([SOURCE], [FAITHFUL]) [0] >= 0.5 and score < 0.5


def test_an_nli_model_without_entailment_labels_is_refused(tmp_path):
    from synthguard.measures.nli import NLIJudge

    with pytest.raises(ModelError, match="no entailment/contradiction labels"):
        NLIJudge(_nli_model(tmp_path / "sentiment", None, ("negative", "neutral", "positive")))
    with pytest.raises(ModelError, match="nli_model"):
        NLIJudge(str(tmp_path / "missing"))


LONG = ("The patient was admitted through the emergency department after two days of worsening shortness of "
        "breath and was started on oxygen by nasal cannula with good effect. Chest imaging showed bilateral "
        "effusions and the team began diuresis with close monitoring of kidney function and electrolytes.")


def test_memorization_finds_a_copied_run_and_a_near_duplicate_but_not_a_paraphrase():
    from synthguard.measures.memorization import MemorizationIndex

    index = MemorizationIndex([LONG, "Unrelated note about a sprained ankle."], run=30, jaccard=0.8)
    words = LONG.split()
    copied_run = "In summary, " + " ".join(words[10:40]) + " and nothing else was found."
    near_duplicate = LONG.replace("nasal", "soft")  # one word: no run of 30 tokens survives
    paraphrase = ("Two days of increasing breathlessness brought him in; oxygen helped, imaging found fluid on "
                  "both sides, and he was given diuretics while labs were watched.")
    assert index.look(copied_run).shared_run
    assert not index.look(near_duplicate).shared_run and index.look(near_duplicate).jaccard >= 0.8
    assert index.copies(near_duplicate) and index.copies(copied_run)
    assert not index.copies(paraphrase) and index.look(paraphrase).jaccard < 0.3


def test_embedding_similarity_separates_related_from_unrelated_text():
    from synthguard.measures import embeddings

    notes = ["Chest pain radiating to the left arm, troponin pending.", "Shortness of breath, started on oxygen."]
    rewrites = ["Pain in the chest spreading to the left arm; awaiting troponin.", "Breathless; oxygen begun."]
    recipes = ["Whisk two eggs with sugar and bake for twenty minutes.", "Slice the onions and fry until golden."]
    related, unrelated = embeddings.similarity(notes, rewrites), embeddings.similarity(notes, recipes)
    assert related["centroid"] > 0.8 > unrelated["centroid"] + 0.3
    assert related["coverage"] > unrelated["coverage"]


def test_a_note_singles_out_a_real_row_only_when_its_numbers_fit_that_row_alone():
    import pandas as pd

    from synthguard.measures.note_reid import reidentifying

    real = pd.DataFrame({"age": [63, 63, 41, 58], "bp": [145, 145, 120, 130], "chol": [233, 233, 199, 250],
                         "hr": [150, 171, 160, 144], "oldpeak": [2.3, 1.0, 0.0, 0.4]})
    notes = ["63-year-old, BP 145, chol 233.",  # two real rows hold this tuple: a crowd of two
             "63-year-old, BP 145, chol 233, heart rate 171.",  # the fourth number leaves one row
             "58-year-old, BP 130.",  # two facts are not enough
             "41 years, BP 120, ST depression 0.0, chol 199.",  # one row, a float written as 0.0
             "BP 130 and 250 and 144 in 2058."]  # numbers inside a longer number do not count
    assert reidentifying(notes, real) == [False, True, False, True, True]
    assert reidentifying(notes, real, least=4) == [False, True, False, True, False]


def test_prompt_leftovers_loops_and_cut_off_endings_are_no_usable_record():
    from synthguard.generators._quality import QualityJudge

    judge = QualityJudge(["Rewrite the following clinical note in different words."], labels=["Note:"])
    assert judge.problem("A 63-year-old man seen for angina. BP 145.") is None
    assert judge.problem("Rewrite the following clinical note: 63-year-old man.") == "prompt_leak"
    assert judge.problem("63-year-old man.\nNote:\n63-year-old man.") == "prompt_leak"
    assert judge.problem("for its style only, for its style only, for its style only, for its style only.") == \
        "repetition"
    assert judge.problem("A 63-year-old man seen for angina, BP 145 and") == "truncated"
    assert judge.problem("   ") == "empty"
