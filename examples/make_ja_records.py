"""Build examples/data/nursing_records_ja.csv: fake Japanese inpatients with nursing records.

Every name, phone number, address and date is drawn from Faker's ja_JP locale with a fixed
seed; the records follow the way Japanese nursing notes are written (SOAP, family contacts,
referring clinics, era dates, full-width digits now and then). Run from the repository root:

    python examples/make_ja_records.py
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from faker import Faker

OUT = Path(__file__).resolve().parent / "data" / "nursing_records_ja.csv"
ROWS = 240
WARDS = ["内科", "外科", "整形外科", "循環器内科", "呼吸器内科"]
DIAGNOSES = {"内科": "糖尿病", "外科": "胆石症", "整形外科": "大腿骨頸部骨折", "循環器内科": "心不全",
             "呼吸器内科": "肺炎"}
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
TEMPLATES = [
    "S）「{complaint}」。O）体温{temp}℃、血圧{sbp}/{dbp}mmHg、SpO2 {spo2}%。"
    "A/P）主治医の{doctor}先生に報告。経過観察。",
    "{era_date}入院。キーパーソンは{relation}の{family}氏（携帯 {mobile}）。"
    "{clinic}より紹介。",
    "夜間、不穏あり。当直医{doctor}医師に報告。{family_surname}さん（{relation}）へ電話連絡（{mobile}）。",
    "退院前カンファレンス（{era_abbr}）。本人、{relation}の{family}様、ケアマネジャー同席。"
    "退院先：{address}。",
    "{patient}様、{drug}内服確認。次回受診は{month_day}、{clinic}（TEL {landline}）。",
]
COMPLAINTS = ["夜あまり眠れなかった", "お腹が張る", "息が苦しい", "足がしびれる", "食欲がない"]
DRUGS = ["アムロジピン5mg", "メトホルミン250mg", "フロセミド20mg", "ワーファリン2mg", "ランソプラゾール15mg"]
RELATIONS = ["長男", "長女", "妻", "夫", "次男"]
CLINIC_SUFFIXES = ["クリニック", "内科クリニック", "医院", "診療所"]


def era(day: date) -> str:
    if day >= date(2019, 5, 1):
        year = day.year - 2018
        return f"令和{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"平成{day.year - 1988}年{day.month}月{day.day}日"


def era_abbreviation(day: date) -> str:
    return f"R{day.year - 2018}.{day.month}.{day.day}" if day >= date(2019, 5, 1) else \
        f"H{day.year - 1988}.{day.month}.{day.day}"


def main() -> None:
    fake = Faker("ja_JP")
    fake.seed_instance(2026)
    rng = random.Random(2026)
    rows = []
    for i in range(ROWS):
        ward = rng.choice(WARDS)
        age = rng.randint(35, 94)
        born = date(2024 - age, rng.randint(1, 12), rng.randint(1, 28))
        admitted = date(2023, 1, 1) + timedelta(days=rng.randint(0, 600))
        patient = fake.last_name() + fake.first_name()
        mobile = f"0{rng.choice('789')}0-" + fake.numerify("####-####")
        note = rng.choice(TEMPLATES).format(
            complaint=rng.choice(COMPLAINTS), temp=round(rng.uniform(35.8, 38.6), 1), sbp=rng.randint(100, 170),
            dbp=rng.randint(55, 100), spo2=rng.randint(88, 99), doctor=fake.last_name(),
            era_date=era(admitted), era_abbr=era_abbreviation(admitted + timedelta(days=10)),
            relation=rng.choice(RELATIONS), family=fake.last_name() + fake.first_name(),
            family_surname=fake.last_name(), mobile=mobile.translate(FULL_WIDTH) if i % 4 == 0 else mobile,
            clinic=fake.last_name() + rng.choice(CLINIC_SUFFIXES),
            address=fake.prefecture() + fake.city() + fake.town() + f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-"
                                                                  f"{rng.randint(1, 20)}",
            patient=patient, drug=rng.choice(DRUGS), month_day=f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
            landline=fake.numerify("0%-####-####"))
        rows.append({
            "患者ID": f"P-{100000 + i * 7}", "氏名": patient, "電話番号": fake.numerify("0%-####-####"),
            "住所": fake.prefecture() + fake.city() + fake.town() + f"{rng.randint(1, 9)}-{rng.randint(1, 30)}",
            "生年月日": born.isoformat(), "年齢": age, "性別": rng.choice(["男", "女"]), "病棟": ward,
            "在院日数": max(2, int(rng.gauss(14 if ward != "整形外科" else 28, 6))),
            "体温": round(rng.uniform(35.8, 38.6), 1), "主病名": DIAGNOSES[ward], "看護記録": note})
    pd.DataFrame(rows).to_csv(OUT, index=False)
    print(f"wrote {OUT} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
