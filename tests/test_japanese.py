"""Japanese clinical text on real GiNZA and Presidio: each recognizer's positive and negative cases,
NFKC detection with findings on the original offsets, ja_JP surrogates of the same kind and shape,
era-date shifting, and the errors for languages no pack covers."""

import json
import re

import pandas as pd
import pytest

from synthguard.errors import PolicyError
from synthguard.policy import parse_policy
from synthguard.scrub.dates import shift_date
from synthguard.scrub.recognizers.ja_my_number import valid_my_number
from tests.conftest import ROOT

pytest.importorskip("ja_ginza", reason="the ja extra is not installed (pip install 'synthguard[ja]')")

JA_POLICY = ROOT / "policies" / "medical-ja.yaml"
JA_NOTES = ROOT / "examples" / "data" / "nursing_records_ja.csv"


@pytest.fixture(scope="module")
def ja():
    return parse_policy({"name": "ja", "scrub": {"language": "ja"}}).scrub


def found(settings, text: str) -> list[tuple[str, str]]:
    from synthguard.scrub.scrubber import analyze_texts

    return [(r.entity_type, text[r.start:r.end]) for r in analyze_texts([text], settings)[0]]


POSITIVE = [
    ("PHONE_NUMBER", "自宅電話 03-1234-5678 に連絡。", "03-1234-5678"),
    ("PHONE_NUMBER", "携帯090-1234-5678まで", "090-1234-5678"),
    ("PHONE_NUMBER", "夫の携帯（０９０－２２３３－４４５５）", "０９０－２２３３－４４５５"),
    ("PHONE_NUMBER", "予約は0120-123-456へ", "0120-123-456"),
    ("PHONE_NUMBER", "TEL 0476(22)1234", "0476(22)1234"),
    ("PHONE_NUMBER", "電話0312345678", "0312345678"),
    ("ZIP_CODE", "〒123-4567 の住所", "123-4567"),
    ("ZIP_CODE", "郵便番号：１２３－４５６７", "１２３－４５６７"),
    ("JP_MY_NUMBER", "番号 4829 1035 7721 を確認", "4829 1035 7721"),
    ("JP_MY_NUMBER", "個人番号 5213-7740-9813", "5213-7740-9813"),  # a mistyped check digit, but labelled
    ("HEALTH_PLAN_ID", "保険者番号 01130012", "01130012"),
    ("HEALTH_PLAN_ID", "記号 4521 番号 87", "4521"),
    ("HEALTH_PLAN_ID", "記号 4521 番号 87", "87"),
    ("HEALTH_PLAN_ID", "受給者番号：1234567", "1234567"),
    ("DATE_TIME", "令和5年5月2日に入院", "令和5年5月2日"),
    ("DATE_TIME", "R5.5.2 外来", "R5.5.2"),
    ("DATE_TIME", "生年月日 昭和37年3月14日", "昭和37年3月14日"),
    ("DATE_TIME", "令和元年5月1日 手術", "令和元年5月1日"),
    ("DATE_TIME", "２０２３年５月２日受診", "２０２３年５月２日"),
    ("DATE_TIME", "次回は5月20日", "5月20日"),
    ("DATE_TIME", "2024/2/14 採血", "2024/2/14"),
    ("STREET_ADDRESS", "住所 東京都新宿区西新宿2-8-1 在住", "東京都新宿区西新宿2-8-1"),
    ("STREET_ADDRESS", "札幌市北区北七条西5-8-1 へ転居", "札幌市北区北七条西5-8-1"),
    ("LOCATION", "大阪府大阪市在住", "大阪府大阪市"),
    ("PERSON", "山田様に説明", "山田"),
    ("PERSON", "長男の鈴木健一氏より電話", "鈴木健一"),
    ("PERSON", "主治医の田中先生に報告", "田中"),
    ("PERSON", "患者ヤマダ タロウさん", "ヤマダ タロウ"),
    ("PERSON", "担当 佐藤医師", "佐藤"),
    ("HOSPITAL", "東都大学病院より紹介", "東都大学病院"),
    ("HOSPITAL", "さくら内科クリニック受診", "さくら内科クリニック"),
    ("HOSPITAL", "西田診療所に通院", "西田診療所"),
    ("EMAIL_ADDRESS", "連絡先yamada.taro@example.jpまで", "yamada.taro@example.jp"),
]

NEGATIVE = [
    "体温36.5℃、血圧120/80mmHg、SpO2 97%。",
    "ロキソプロフェン60mgを1日3回内服、3日間継続。",
    "5年前に転居。2023年に手術。昭和37年に結婚。",
    "東京都在住。市販薬を服用。",
    "主治医に報告。病棟看護師、患者さん、家族様へ説明。",
    "当院で検査。近医受診を勧めた。病院へ搬送。",
    "部屋番号 305、検体番号 123-4567。",
    "番号 1234 5678 9012 の伝票",  # 12 digits, wrong check digit, no My Number label
    "Cr 1.42mg/dL、eGFR 36、体重 58.4kg、HbA1c 8.2%。",
    "カリフォルニア州の Labor Code によると、within 7 days に申請する。",  # GiNZA calls Latin runs people
    "首都は東京です。真の意味を問う。",
]


@pytest.mark.parametrize(("entity", "text", "value"), POSITIVE)
def test_each_japanese_recognizer_finds_its_kind(ja, entity, text, value):
    assert (entity, value) in found(ja, text)


@pytest.mark.parametrize("text", NEGATIVE)
def test_clinical_values_labels_and_generic_references_are_not_phi(ja, text):
    assert found(ja, text) == []


def test_findings_from_normalised_text_land_on_the_original_offsets(ja):
    text = "患者ｽｽﾞｷ ﾊﾅｺ様、携帯０９０－１２３４－５６７８。"  # half-width kana merge under NFKC (ｽﾞ -> ズ)
    assert ("PERSON", "ｽｽﾞｷ ﾊﾅｺ") in found(ja, text)
    assert ("PHONE_NUMBER", "０９０－１２３４－５６７８") in found(ja, text)


def test_my_number_check_digit():
    assert valid_my_number("4829 1035 7721") and not valid_my_number("4829 1035 7724")


@pytest.mark.parametrize(("original", "days", "shifted"), [
    ("令和5年5月2日", -3, "令和5年4月29日"),
    ("平成31年4月30日", 7, "令和元年5月7日"),  # crosses into the next era, year one written 元年
    ("令和元年5月1日", -1, "平成31年4月30日"),
    ("R5.5.2", 30, "R5.6.1"),
    ("R05.05.02", 1, "R05.05.03"),
    ("昭和37年3月14日", 1, "昭和37年3月15日"),
    ("2023年12月31日", 1, "2024年1月1日"),
    ("5月2日", 1, "5月3日"),
])
def test_japanese_dates_shift_and_keep_their_style(original, days, shifted):
    assert shift_date(original, days) == shifted


def test_surrogates_keep_kind_shape_and_script_and_agree_within_a_release(ja):
    from synthguard.scrub.scrubber import TextScrubber

    scrubber = TextScrubber(ja, b"ja-test-key")
    texts = ["長男の鈴木健一氏（携帯０９０－１２３４－５６７８）へ連絡。令和5年5月2日入院。",
             "鈴木健一氏に再度説明。ヤマダ タロウさん同席。個人番号 4829 1035 7721。さくら内科クリニックより紹介。"]
    out, results = scrubber.scrub(texts, ["p1", "p1"])
    joined = "".join(out)
    for real in ("鈴木", "健一", "０９０－１２３４－５６７８", "ヤマダ", "タロウ", "4829 1035 7721", "さくら",
                 "令和5年5月2日"):
        assert real not in joined
    name = re.search(r"長男の(.+?)氏", out[0]).group(1)
    assert re.fullmatch(r"[\u4e00-\u9fff\u3005\u3041-\u309f]+", name) and f"{name}氏に再度説明" in out[1]
    assert re.search(r"携帯０[５７８９]０－[０-９]{4}－[０-９]{4}）", out[0])  # a full-width mobile number still
    assert re.search(r"令和\d+年\d+月\d+日入院", out[0])
    assert re.search(r"[\u30a1-\u30ff]+ [\u30a1-\u30ff]+さん同席", out[1])  # katakana stays katakana
    number = re.search(r"個人番号 (\d{4} \d{4} \d{4})", out[1]).group(1)
    assert valid_my_number(number)
    assert re.search(r"[\u4e00-\u9fff\u30a1-\u30ff]+クリニックより紹介", out[1])


def test_a_language_without_a_pack_is_refused():
    with pytest.raises(PolicyError, match=r"scrub\.language: no language pack for 'fr'; configured: en, ja"):
        parse_policy({"name": "x", "scrub": {"language": "fr"}})


def test_a_missing_spacy_model_for_a_pack_names_the_install():
    from synthguard.scrub.engine import ScrubSetupError, resolve_spacy_model

    with pytest.raises(ScrubSetupError, match="ja_missing"):
        resolve_spacy_model("ja_missing", "ja")


def test_a_document_in_a_language_the_policy_does_not_cover_is_reported_and_redacted():
    from synthguard.scrub.scrubber import TextScrubber

    english = parse_policy({"name": "en"}).scrub
    text = "長男の鈴木健一氏より電話あり。令和5年5月2日に東都大学病院へ転院予定。"
    out, results = TextScrubber(english, b"k").scrub([text, "Seen by Dr. Okafor today."])
    assert out[0] == "[UNSUPPORTED_LANGUAGE]" and [r.entity_type for r in results[0]] == ["UNSUPPORTED_LANGUAGE"]
    assert "Okafor" not in out[1]  # an English note beside it is scrubbed as usual
    japanese = parse_policy({"name": "ja", "scrub": {"language": "ja"}}).scrub
    out, results = TextScrubber(japanese, b"k").scrub(["Patient John Smith seen at General Hospital for chest pain."])
    assert out == ["[UNSUPPORTED_LANGUAGE]"]


def test_the_shipped_japanese_policy_scrubs_the_example_records(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from synthguard.cli import main

    monkeypatch.setenv("SYNTHGUARD_KEY", "ja-example-key")
    out, findings = tmp_path / "scrubbed.csv", tmp_path / "findings.jsonl"
    result = CliRunner().invoke(main, ["scrub", str(JA_NOTES), "--policy", str(JA_POLICY), "--output", str(out),
                                       "--findings", str(findings), "--quiet"])
    assert result.exit_code == 0, result.output
    real, scrubbed = pd.read_csv(JA_NOTES), pd.read_csv(out)
    assert len(scrubbed) == len(real)
    lines = [json.loads(line) for line in findings.read_text(encoding="utf-8").splitlines()]
    assert {"PERSON", "PHONE_NUMBER", "DATE_TIME", "HOSPITAL"} <= {f["entity_type"] for f in lines}
    written = out.read_text(encoding="utf-8") + findings.read_text(encoding="utf-8")
    for column in ("氏名", "電話番号", "住所"):
        assert not any(str(v) in written for v in real[column])


def test_the_shipped_japanese_policy_releases_synthetic_patients(tmp_path):
    from click.testing import CliRunner

    from synthguard.cli import main

    out = tmp_path / "release"
    result = CliRunner().invoke(main, ["synth", "--policy", str(JA_POLICY), "--output", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    real, synthetic = pd.read_csv(JA_NOTES), pd.read_csv(out / "synthetic.csv")
    assert len(synthetic) == len(real) and "看護記録" not in synthetic  # notes apart, in synthetic_text.jsonl
    notes = pd.read_json(out / "synthetic_text.jsonl", lines=True)
    assert set(notes["column"]) == {"看護記録"} and notes["row"].is_unique
    assert set(notes["row"]) <= set(synthetic.index) and len(notes) >= 0.95 * len(synthetic)
    # A row without a note was passed over for a reason the report counts (its note singled out a real patient).
    released = next(c for c in json.loads((out / "report.json").read_text())["checks"]
                    if c["name"] == "released:看護記録")
    assert len(notes) + sum(released["details"]["rejections"].values()) == len(synthetic)
    assert "歳" in (out / "synthetic_text.jsonl").read_text(encoding="utf-8")  # readable, not \u escapes
    for _, note in notes.head(20).iterrows():  # each note states its own synthetic row's facts
        assert f"{synthetic.loc[note['row'], '年齢']}歳" in note["text"]
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "written from synthetic rows" in card and "scrubbed before a language model" not in card
    assert synthetic["氏名"].str.fullmatch(r"[\u4e00-\u9fff\u3005\u3041-\u309f]+").all()  # no space, as the input
    assert synthetic["電話番号"].str.startswith("0").all()
    assert not set(synthetic["氏名"]) & set(real["氏名"]) and not set(synthetic["電話番号"]) & set(real["電話番号"])


def test_japanese_records_under_the_english_default_are_reported_not_scrubbed_as_english(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from synthguard.cli import main

    monkeypatch.setenv("SYNTHGUARD_KEY", "ja-example-key")
    out, findings = tmp_path / "scrubbed.csv", tmp_path / "findings.jsonl"
    result = CliRunner().invoke(main, ["scrub", str(JA_NOTES), "--output", str(out), "--findings", str(findings),
                                       "--quiet"])
    assert result.exit_code == 0, result.output
    assert "warning: 240 texts are not in the policy's language (en)" in result.output
    assert (pd.read_csv(out)["看護記録"] == "[UNSUPPORTED_LANGUAGE]").all()
    real = pd.read_csv(JA_NOTES)
    assert not any(str(v) in out.read_text(encoding="utf-8") for v in real["氏名"])


@pytest.mark.parametrize("text, entity, value", [
    ("患者ID：A123456を確認。", "MEDICAL_RECORD_NUMBER", "A123456"),
    ("カルテ番号 00123456 の記録。", "MEDICAL_RECORD_NUMBER", "00123456"),
    ("ID番号 7788990 を確認。", "MEDICAL_RECORD_NUMBER", "7788990"),
    ("明日、東京中央病院へ転院予定。", "HOSPITAL", "東京中央病院"),
    ("昭和55年生まれの男性。", "DATE_TIME", "昭和55年"),
])
def test_labelled_numbers_fused_hospital_names_and_era_birth_years(ja, text, entity, value):
    assert (entity, value) in found(ja, text)


def test_generic_hospital_references_stay_even_when_sudachi_fuses_them(ja):
    assert found(ja, "大学病院へ紹介予定。当院の方針を説明。") == []


def _scrub(tmp_path, source, *args):
    from click.testing import CliRunner

    from synthguard.cli import main

    out, findings = tmp_path / f"out{source.suffix}", tmp_path / "f.jsonl"
    result = CliRunner().invoke(main, ["scrub", str(source), *args, "--output", str(out), "--findings",
                                       str(findings), "--quiet"])
    return result, out, [json.loads(line) for line in findings.read_text(encoding="utf-8").splitlines()] \
        if findings.exists() else []


@pytest.mark.parametrize("policy, rows", [
    (JA_POLICY, ["山田太郎様に説明した。", "佐藤花子さんが来院。", "鈴木一郎さんの家族に連絡。", "明日は晴れの予報。"]),
    (None, ["Spoke with DR. SMITH today.", "Daughter Mary called.", "Pain controlled overnight.",
            "Family meeting planned."]),
])
def test_a_column_named_as_text_is_scrubbed_span_by_span_not_replaced_whole(tmp_path, policy, rows):
    source = tmp_path / "short.csv"
    pd.DataFrame({"text": rows}).to_csv(source, index=False)  # unique short values: the scan says identifier
    args = ["--text-column", "text"] + (["--policy", str(policy)] if policy else [])
    result, out, findings = _scrub(tmp_path, source, *args)
    assert result.exit_code == 0, result.output
    scrubbed = pd.read_csv(out)["text"].tolist()
    assert scrubbed[-1] == rows[-1]  # a sentence with no PHI comes back unchanged
    assert all(f["start"] > 0 or f["end"] < len(rows[f["row"]]) for f in findings)  # spans, not whole cells
    assert "identifier columns: none" in result.output or "text (" not in result.output


def test_a_policy_whose_key_column_is_absent_still_scrubs_another_file(tmp_path):
    source = tmp_path / "other.csv"
    pd.DataFrame({"記録": ["山田太郎様に説明した。", "佐藤花子さんが来院。"]}).to_csv(source, index=False)
    result, out, findings = _scrub(tmp_path, source, "--policy", str(JA_POLICY), "--text-column", "記録")
    assert result.exit_code == 0, result.output
    assert "山田" not in out.read_text(encoding="utf-8") and findings


def test_the_input_suffix_wins_over_the_policy_data_format(tmp_path):
    source = tmp_path / "notes.jsonl"
    source.write_text(json.dumps({"text": "DR. SMITH AWARE, dtr suzette called"}) + "\n", encoding="utf-8")
    result, out, findings = _scrub(tmp_path, source, "--policy", str(ROOT / "policies" / "medical.yaml"),
                                   "--text-column", "text")
    assert result.exit_code == 0, result.output
    assert {f["entity_type"] for f in findings} == {"PERSON"} and "suzette" not in out.read_text()
