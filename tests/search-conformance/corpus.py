#!/usr/bin/env python3
"""Writes the conformance test's site and its queries: articles in English, Chinese, Japanese
and mixed scripts (Chinese and Japanese names inside English text, English names inside
Chinese and Japanese text), with headings, lists, emphasis, links, code, diacritics,
hyphenated and camelCase words, tags and entities; then the queries to run against both
indexes (single words, stems, several words, CJK words, filters by tag, entity, year and
language, sort by date). Deterministic: the same seed gives the same site.

Usage: corpus.py OUT_DIR [ARTICLES]   (writes OUT_DIR/site/ and OUT_DIR/queries-<lang>.json)
"""
import json
import os
import random
import sys

EN_WORDS = (
    "investment investors invested investing invest fund funding funds factory factories plant "
    "plants park parks industrial industry logistics port ports railway railways battery batteries "
    "lithium steel chemical chemicals semiconductor semiconductors leasing lease medical equipment "
    "hospital research development centre center export exports trade trading bonded zone zones "
    "agreement agreements signed signing sign province provincial city cities government governor "
    "mayor minister ministry company companies group groups venture ventures joint capital billion "
    "million yuan dollars euros yen expansion expanding expand construction constructing built build "
    "building buildings opening opened opens workers jobs employment housing energy solar wind "
    "offshore hydrogen vehicles electric automotive supply chain chains warehouse warehouses "
    "airport cargo shipping container containers terminal terminals pilot reform reforms policy "
    "policies tax taxes incentive incentives approval approved approves regional revitalization"
).split()
EN_FILLER = "the a of in and to for with on at by from its their this that new first".split()
PLACES = [
    ("Shenyang", "沈阳"), ("Dalian", "大连"), ("Liaoning", "辽宁省"), ("Harbin", "哈尔滨"),
    ("Changchun", "长春"), ("Suzhou", "苏州"), ("Shenzhen", "深圳"), ("Guangzhou", "广州"),
    ("Tianjin", "天津"), ("Qingdao", "青岛"), ("Wuhan", "武汉"), ("Chengdu", "成都"),
]
JP_PLACES = [("Osaka", "大阪"), ("Tokyo", "東京"), ("Nagoya", "名古屋"), ("Fukuoka", "福岡"), ("Sapporo", "札幌")]
COMPANIES = ["Orix", "Toyota", "BASF", "Siemens", "Hitachi", "Panasonic", "Sinochem", "CATL", "BYD", "Mitsubishi"]
KATAKANA = ["バッテリー", "ロジスティクス", "インフラ", "エネルギー", "プロジェクト", "センター", "ファンド", "リース"]
ZH_PHRASES = [
    "投资", "项目", "工业园区", "签约", "合作", "企业", "产业", "新能源", "物流", "港口", "政府",
    "开发区", "制造业", "经济", "发展", "建设", "协议", "资金", "亿元", "万元", "市场", "技术",
    "汽车", "电池", "化工", "医疗", "租赁", "出口", "贸易", "自贸区", "振兴", "东北",
]
JA_PHRASES = [
    "投資", "工場", "建設", "契約", "企業", "産業", "物流", "港湾", "政府", "開発", "経済",
    "発展", "協定", "資金", "億円", "市場", "技術", "自動車", "電池", "化学", "医療", "輸出",
    "貿易", "地域", "合弁", "新しい", "発表した", "計画している", "進出する",
]
DIACRITICS = ["Zürich", "café", "Société Générale", "Škoda", "Nestlé", "Müller"]
COMPOUNDS = ["e-commerce", "low-carbon", "cross-border", "EasyLease", "SmartPort", "GreenTech", "sysconfig.is_ready"]
TAGS = ["energy", "logistics", "finance", "industrial parks", "automotive", "R&D", "trade", "policy"]
ENTITIES = [c + " Group" for c in COMPANIES] + [p for p, _ in PLACES]


def en_sentence(rnd, mixed):
    words = []
    for _ in range(rnd.randint(6, 16)):
        pick = rnd.random()
        if pick < 0.55:
            words.append(rnd.choice(EN_WORDS))
        elif pick < 0.75:
            words.append(rnd.choice(EN_FILLER))
        elif pick < 0.85:
            place, han = rnd.choice(PLACES)
            words.append(f"{place} ({han}市)" if mixed and rnd.random() < 0.5 else place)
        elif pick < 0.92:
            words.append(rnd.choice(COMPANIES))
        elif pick < 0.96:
            words.append(rnd.choice(COMPOUNDS))
        else:
            words.append(rnd.choice(DIACRITICS))
    if mixed and rnd.random() < 0.4:
        place, kanji = rnd.choice(JP_PLACES)
        words.append(f"{place}（{kanji}）{rnd.choice(KATAKANA)}")
    sentence = " ".join(words)
    return sentence[0].upper() + sentence[1:] + rnd.choice([".", ".", ".", "!", "?"])


def cjk_sentence(rnd, phrases, places, stop, english):
    parts = []
    for _ in range(rnd.randint(5, 12)):
        pick = rnd.random()
        if pick < 0.65:
            parts.append(rnd.choice(phrases))
        elif pick < 0.8:
            parts.append(rnd.choice(places)[1])
        elif pick < 0.9 and english:
            parts.append(rnd.choice(COMPANIES))
        else:
            parts.append(rnd.choice(KATAKANA) if phrases is JA_PHRASES else rnd.choice(phrases))
    text = "".join(parts)
    if english and rnd.random() < 0.3:
        text += " " + rnd.choice(EN_WORDS) + " " + rnd.choice(COMPOUNDS)
    return text + stop


def body(rnd, kind):
    paragraphs = []
    for i in range(rnd.randint(2, 6)):
        if kind == "en":
            sentences = [en_sentence(rnd, mixed=rnd.random() < 0.3) for _ in range(rnd.randint(1, 4))]
            text = " ".join(sentences)
        elif kind == "zh":
            text = "".join(cjk_sentence(rnd, ZH_PHRASES, PLACES, "。", True) for _ in range(rnd.randint(1, 4)))
        else:
            text = "".join(cjk_sentence(rnd, JA_PHRASES, JP_PLACES, "。", True) for _ in range(rnd.randint(1, 4)))
        decoration = rnd.random()
        if decoration < 0.1:
            text = f"**{text}**"
        elif decoration < 0.2:
            words = text.split(" ")
            if len(words) > 3:
                words[1] = f"*{words[1]}*"
                words[2] = f"[{words[2]}](https://example.org/{i})"
            text = " ".join(words)
        elif decoration < 0.25:
            text += " `code_sample`"
        paragraphs.append(text)
        if rnd.random() < 0.25:
            heading = en_sentence(rnd, False).rstrip(".!?") if kind == "en" else cjk_sentence(
                rnd, ZH_PHRASES if kind == "zh" else JA_PHRASES, PLACES if kind == "zh" else JP_PLACES, "", False)
            paragraphs.append(f"## {heading[:60]}")
        if rnd.random() < 0.15:
            paragraphs.append("\n".join(f"- {rnd.choice(EN_WORDS)} {rnd.choice(EN_WORDS)}" for _ in range(3)))
    return "\n\n".join(paragraphs)


def title(rnd, kind):
    if kind == "en":
        return en_sentence(rnd, rnd.random() < 0.2).rstrip(".!?")[:90]
    if kind == "zh":
        return cjk_sentence(rnd, ZH_PHRASES, PLACES, "", True)[:40]
    return cjk_sentence(rnd, JA_PHRASES, JP_PLACES, "", True)[:40]


def toml_string(s):
    return json.dumps(s, ensure_ascii=False)


def write_site(out, count, rnd):
    site = os.path.join(out, "site")
    os.makedirs(os.path.join(site, "content", "articles"), exist_ok=True)
    with open(os.path.join(site, "site.toml"), "w") as f:
        f.write('title = "Conformance"\nbase_url = "http://127.0.0.1/"\nlanguage = "en"\npaginate_by = 50\n')
    articles = []
    for i in range(count):
        kind = "en" if i % 10 < 6 else ("zh" if i % 10 < 8 else "ja")
        year = 2016 + i % 9
        date = f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}T{8 + i % 10:02d}:00:00+08:00"
        tags = rnd.sample(TAGS, rnd.randint(1, 3))
        entities = rnd.sample(ENTITIES, rnd.randint(0, 3))
        text = body(rnd, kind)
        head = title(rnd, kind)
        summary = ""
        if rnd.random() < 0.3:
            summary = f'summary = {toml_string(en_sentence(rnd, False) if kind == "en" else cjk_sentence(rnd, ZH_PHRASES, PLACES, "。", False))}\n'
        slug = f"a{i:04d}"
        with open(os.path.join(site, "content", "articles", f"{slug}.md"), "w") as f:
            f.write(f"+++\ntitle = {toml_string(head)}\nslug = \"{slug}\"\ndate = {date}\n{summary}"
                    f"tags = {json.dumps(tags, ensure_ascii=False)}\nentities = {json.dumps(entities, ensure_ascii=False)}\n+++\n\n{text}\n")
        articles.append({"kind": kind, "text": head + " " + text, "tags": tags, "entities": entities, "year": year})
    return articles


def queries(articles, rnd):
    """Queries per bundle language: what a reader would type, drawn from the articles."""
    out = {"en": [], "zh": [], "ja": []}
    en_terms = EN_WORDS[:]
    rnd.shuffle(en_terms)
    for word in en_terms[:45]:
        out["en"].append({"term": word})
    for word in ["invest", "factori", "build", "railway", "companies", "expanding", "approving"]:
        out["en"].append({"term": word})
    for _ in range(20):
        out["en"].append({"term": " ".join(rnd.sample(EN_WORDS, 2))})
    for word in ["Shenyang", "Orix", "BASF", "zurich", "Zürich", "cafe", "e-commerce", "commerce", "EasyLease",
                 "lease", "SmartPort", "Société", "is_ready", "R&D"]:
        out["en"].append({"term": word})
    # Chinese and Japanese names inside English text (see compare.py: cjk-inside).
    for word in ["沈阳", "沈阳市", "大连市", "辽宁省", "大阪", "東京", "バッテリー", "ッテリー"]:
        out["en"].append({"term": word})
    for tag in TAGS[:5]:
        out["en"].append({"term": rnd.choice(EN_WORDS), "filters": {"tag": tag}})
    for entity in ENTITIES[:5]:
        out["en"].append({"term": rnd.choice(EN_WORDS), "filters": {"entity": entity}})
    for year in ["2017", "2020", "2023"]:
        out["en"].append({"term": rnd.choice(EN_WORDS), "filters": {"year": year}})
        out["en"].append({"term": None, "filters": {"year": year}, "sort": {"date": "desc"}})
    out["en"].append({"term": rnd.choice(EN_WORDS), "filters": {"language": "en"}})
    for _ in range(5):
        out["en"].append({"term": rnd.choice(EN_WORDS), "sort": {"date": "asc"}})
    for lang, phrases, places in (("zh", ZH_PHRASES, PLACES), ("ja", JA_PHRASES, JP_PLACES)):
        for phrase in phrases:
            out[lang].append({"term": phrase})
        for _, name in places:
            out[lang].append({"term": name})
        for _ in range(8):
            out[lang].append({"term": rnd.choice(phrases) + rnd.choice(phrases)})
            out[lang].append({"term": rnd.choice(phrases) + " " + rnd.choice(phrases)})
        for company in COMPANIES[:5]:
            out[lang].append({"term": company})
        for word in ["investment", "commerce", "e-commerce", "SmartPort"] + KATAKANA[:4]:
            out[lang].append({"term": word})
        for tag in TAGS[:3]:
            out[lang].append({"term": rnd.choice(phrases), "filters": {"tag": tag}})
        out[lang].append({"term": rnd.choice(phrases), "filters": {"year": "2019"}, "sort": {"date": "desc"}})
        out[lang].append({"term": rnd.choice(phrases), "filters": {"language": lang}})
    return out


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    rnd = random.Random(16)
    articles = write_site(out, count, rnd)
    for lang, qs in queries(articles, rnd).items():
        with open(os.path.join(out, f"queries-{lang}.json"), "w") as f:
            json.dump(qs, f, ensure_ascii=False)
    print(f"{count} articles, queries: " + ", ".join(f"{k} {len(v)}" for k, v in queries(articles, random.Random(16)).items()))


if __name__ == "__main__":
    main()
