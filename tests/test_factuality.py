"""Tier-0 faithfulness: a changed number, a flipped negation, a flipped side or a swapped drug is caught."""

import pytest

from synthguard.validators.factuality import conflicts, faithfulness, rouge_l, tokens

SOURCE = "Pt denies chest pain. Started metoprolol 50 mg twice daily for 3 days; left knee swelling. Dx I10."


@pytest.mark.parametrize("candidate, kind", [
    ("Pt denies chest pain. Started metoprolol 500 mg twice daily for 3 days; left knee swelling. Dx I10.",
     "numbers"),
    ("Pt reports chest pain. Started metoprolol 50 mg twice daily for 3 days; left knee swelling. Dx I10.",
     "negation"),
    ("Pt denies chest pain. Started metoprolol 50 mg twice daily for 3 days; right knee swelling. Dx I10.",
     "laterality"),
    ("Pt denies chest pain. Started atenolol 50 mg twice daily for 3 days; left knee swelling. Dx I10.",
     "drugs"),
    ("Pt denies chest pain. Started metoprolol 50 mg twice daily for 3 days; left knee swelling. Dx E11.9.",
     "codes"),
])
def test_each_changed_fact_is_a_conflict_and_scores_below_half(candidate, kind):
    assert conflicts(SOURCE, candidate) == [kind]
    assert faithfulness([SOURCE], [candidate])[0] < 0.5


def test_identical_text_scores_one_and_a_faithful_paraphrase_passes():
    paraphrase = "The patient denies chest pain. Metoprolol 50 mg was started twice daily for three days; " \
                 "swelling of the left knee. Diagnosis I10."
    identical, reworded = faithfulness([SOURCE, SOURCE], [SOURCE, paraphrase])
    assert identical == 1.0
    assert 0.5 <= reworded < 1.0


def test_the_weak_default_model_inventing_a_cause_is_caught():
    # Measured from SmolLM2-135M-Instruct on this machine (issue 5).
    source = "Pt c/o SOB and chest pain x2 days"
    assert faithfulness([source], ["A chest pain caused by a heart attack."])[0] < 0.5


def test_policy_drugs_extend_the_lexicon():
    source, candidate = "Give zorblatide 5 mg.", "Give quenzumab 5 mg."
    assert "drugs" not in conflicts(source, candidate)
    assert faithfulness([source], [candidate], extra_drugs=["zorblatide", "quenzumab"])[0] < 0.5


def test_rouge_l_is_order_sensitive():
    a = tokens("return to England through Scotland")
    assert rouge_l(a, a) == 1.0
    assert rouge_l(a, tokens("return to Scotland through England")) < 1.0
