"""Names of people, organizations, places and publications, with spans.

Known names come from the gazetteer (annotations/entities.yaml): every name and alias,
matched case-sensitively at word boundaries, longest first, so "Li Xi" is not read as
"Xi" and "China Daily" is not "China". Unknown names are still found: runs of
capitalized words (with "of", "the", "and", "for" inside), acronyms, and Chinese
personal names (a common surname followed by a given name), typed by suffix
(Federation, Union, Committee, Corp…) or by a short list of place words; names with no
evidence of a type, single capitalized words at the start of a sentence and
headline-style (Title Case) paragraphs are left out, to keep precision high.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from build_dataset.extract.types import NameCandidate

SURNAMES = set("""Bai Cai Cao Chen Cheng Cui Deng Ding Dong Du Fan Fang Feng Fu Gao Gong Gu
Guo Han He Hou Hu Hua Huang Jia Jiang Jin Kong Lei Li Liang Liao Lin Liu Lu Luo Lyu Ma Mao
Meng Mo Pan Peng Qi Qian Qin Qiu Ren Shao Shen Shi Song Su Sun Tan Tang Tian Wan Wang Wei
Wen Wu Xia Xiao Xie Xu Xue Yan Yang Yao Ye Yi Yin Yu Yuan Zeng Zhang Zhao Zheng Zhong Zhou
Zhu Zou""".split())
ORG_WORDS = set("""Federation Union Unions Committee Party Corp Corporation Company Commission
Bureau Secretariat Ministry Association Group Council Congress Assembly Office Agency
Administration Bank Institute University Academy Department Court Procuratorate League
Federations Co Ltd Inc Organization Organisation Leadership""".split())
PLACE_WORDS = set("""Province City County District Park Hall Square Sea River Mountain
Mountains Region Zone Hub Port Village Town Street Road Avenue Bay Island Lake""".split())
PLACES = set("""Beijing Shanghai Chongqing Tianjin Guangzhou Shenzhen Wuhan Hangzhou Nanjing
Xi'an Chengdu Hong Kong Macao Taiwan Xinjiang Tibet Hainan Hebei Henan Hubei Hunan Shandong
Shanxi Shaanxi Jiangsu Zhejiang Fujian Guangdong Guangxi Yunnan Guizhou Sichuan Gansu Qinghai
Ningxia Jilin Liaoning Heilongjiang Anhui Jiangxi China Zhongnanhai Asia Africa Europe
Geneva""".split())
PUBLICATIONS = {"Xinhua", "China Daily", "Qiushi", "Qiushi Journal", "People's Daily",
                "Global Times", "CGTN"}
NOT_NAMES = set("""The A An This That These Those It Its He She They We I You Our Their His
Her In On At For From With By As And But Or If When While After Before Since During Under
Over Among Through Monday Tuesday Wednesday Thursday Friday Saturday Sunday January
February March April May June July August September October November December Photo
President Premier Chairman General Secretary Mr Ms Dr Vice Comrade State Party Central
Chinese National New Also According To Based Addressing Apart Regardless Governments
Trade Workers Xinhua""".split())
LEADING = set("""The A An This That These Those It Its He She They We I You Our Their His
Her In On At For From With By As And But Or If When While After Before Since During Under
Over Among Through Monday Tuesday Wednesday Thursday Friday Saturday Sunday January
February March April May June July August September October November December Photo
President Premier Chairman General Secretary Mr Ms Dr Vice Comrade According To Based
Addressing Apart Regardless""".split())
TITLES = re.compile(r"(?:President|Premier|Chairman|Vice\s+President|General\s+Secretary|"
                    r"Mr\.|Ms\.|Dr\.|Comrade|Minister)\s+$")
TOKEN = r"[A-Z][A-Za-z’'.-]*[A-Za-z]|[A-Z]"
CAPRUN = re.compile(
    rf"(?<![\w’'-])(?:{TOKEN})(?:(?:\s+(?:of|the|and|for|on|de)){{0,2}}\s+(?:{TOKEN}))*"
    r"(?![\w’'-])")
ACRONYM = re.compile(r"^[A-Z]{2,6}$")
SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\n|[\"“(]\s*)$")


class Gazetteer:
    """Compiled once per build: one regex over every known name and alias."""

    def __init__(self, forms: dict[str, tuple[str, str]]):
        self.forms = forms  # surface -> (entity_id, entity_type)
        alternatives = sorted(forms, key=lambda f: (-len(f), f))
        self.pattern = (re.compile(r"(?<![\w’'-])(?:" + "|".join(map(re.escape, alternatives))
                                   + r")(?![\w’-]|'\w)") if alternatives else None)

    @classmethod
    def from_entities(cls, entities: Iterable[tuple[str, str, str, Sequence[str]]]):
        forms: dict[str, tuple[str, str]] = {}
        for entity_id, name, entity_type, aliases in entities:
            for form in (name, *aliases):
                forms.setdefault(form, (entity_id, entity_type))
        return cls(forms)

    def find(self, text: str) -> list[NameCandidate]:
        if self.pattern is None:
            return []
        return [NameCandidate(m.start(), m.end(), m.group(), *reversed(self.forms[m.group()]))
                for m in self.pattern.finditer(text)]


def _is_title_case(paragraph: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", paragraph) if len(w) > 3]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.6


def _type_of(tokens: list[str], text: str, start: int) -> str | None:
    name = " ".join(tokens)
    if name in PUBLICATIONS:
        return "publication"
    if tokens[-1] in ORG_WORDS or any(t in ORG_WORDS for t in tokens[1:]):
        return "organization"
    if name in PLACES or tokens[-1] in PLACE_WORDS:
        return "place"
    if len(tokens) == 1 and ACRONYM.match(tokens[0]):
        return "organization"
    if 2 <= len(tokens) <= 3 and tokens[0] in SURNAMES and all(
            t[0].isupper() and t[1:].islower() for t in tokens[1:]):
        return "person"
    if TITLES.search(text[max(0, start - 25):start]) and 2 <= len(tokens) <= 3:
        return "person"
    return None


def find_unknown(text: str, taken: list[tuple[int, int]]) -> list[NameCandidate]:
    """Names the gazetteer does not know, outside the `taken` spans."""
    out = []
    pos = 0
    for para in text.split("\n\n"):
        start_para = pos
        pos += len(para) + 2
        if _is_title_case(para):
            continue
        for m in CAPRUN.finditer(para):
            tokens = m.group().split()
            s = start_para + m.start()
            e = start_para + m.end()
            while tokens and tokens[0] in LEADING:  # "The", "President" before a name
                s = text.index(tokens[1], s + len(tokens[0])) if len(tokens) > 1 else e
                tokens = tokens[1:]
            while tokens and tokens[-1] in {"of", "the", "and", "for", "on", "de"}:
                tokens = tokens[:-1]
            if not tokens:
                continue
            e = s + len(" ".join(tokens))
            if text[s:e] != " ".join(tokens):  # internal spacing other than one blank
                continue
            if any(a < e and s < b for a, b in taken):
                continue
            kind = _type_of(tokens, text, s)
            if kind is None:
                continue
            at_start = SENTENCE_START.search(text[max(0, s - 3):s]) is not None
            if at_start and len(tokens) == 1 and kind != "organization":
                continue
            out.append(NameCandidate(s, e, text[s:e], kind, None))
    return out


def find_names(text: str, gazetteer: Gazetteer) -> list[NameCandidate]:
    known = gazetteer.find(text)
    unknown = find_unknown(text, [(n.char_start, n.char_end) for n in known])
    return sorted(known + unknown, key=lambda n: n.char_start)
