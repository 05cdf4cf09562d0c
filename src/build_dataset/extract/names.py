"""Names of people, organizations, places and publications, with spans.

Known names first: every name and alias of the gazetteer (annotations/entities.yaml),
case-sensitive, on word boundaries, the longest form at a position winning ("Li Xi" is
not "Xi", "South China Sea" is not "China"), with its entity id. Unknown names are found
in the rest of the text (entity_id None) from runs of capitalized words that may contain
"of", "the", "and", "for", "on" ("Great Hall of the People"), typed by:

- a known list: places (provinces, large cities, countries), publications;
- the head word (the word before the first "of" or "for", else the last word):
  organization (Federation, Union, Committee, Party, Corp, Commission, Bureau, Ministry,
  Association, Group, …), place (Province, City, Park, Hall, Sea, Hub, …), publication
  (Daily, Journal, Times, …). Runs headed by an event or idea word (Congress, Session,
  Day, Plan, Thought, …) are not entities; the name after their "of" is looked at alone;
- people: a common Chinese surname and one or two given names ("Chen Keying"); a title
  before the name ("President Xi Jinping" -> person "Xi Jinping": the title is left out
  of the span); two or three name-shaped words followed by ", a/an/the …" or a verb of
  speech; a lone surname followed by a verb of speech ("Chen said");
- acronyms (ACFTU, CPC) are organizations, except a short list of common non-names (GDP).

Left out, to keep precision: single capitalized words that are none of the above (so
sentence-initial ordinary words never count), weekdays and months, all-caps credit lines
("PHOTO BY XINHUA REPORTER …"), and headlines (Title Case paragraphs), where only the
gazetteer is used. A run that is not typed is split at its connecting words and each
piece is tried alone ("English Edition of Qiushi Journal" -> "Qiushi Journal").
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
import sys
from collections.abc import Iterable, Sequence

from build_dataset.extract.layout import Layout
from build_dataset.extract.patterns import trie
from build_dataset.extract.types import NameCandidate, make_name

SURNAMES = frozenset(
    """Ai An Bai Ban Bao Bi Bian Cai Cao Cen Chai Chang Chen Cheng Chi Chu Cui
Dai Deng Ding Dong Dou Du Duan Fan Fang Fei Feng Fu Gan Gao Ge Geng Gong Gu Guan Guo Han Hao
He Hong Hou Hu Hua Huang Ji Jia Jiang Jiao Jin Jing Ju Kang Ke Kong Kuang Lai Lan Lei Leng
Li Lian Liang Liao Lin Ling Liu Long Lou Lu Luo Lyu Ma Mai Mao Mei Meng Mi Miao Min Mo Mu
Ni Nie Niu Ou Ouyang Pan Pang Pei Peng Pu Qi Qian Qiao Qin Qiu Qu Ran Ren Rong Ruan Shan
Shang Shao Shen Sheng Shi Shu Si Song Su Sun Tan Tang Tao Teng Tian Tong Wan Wang Wei Wen
Weng Wu Xi Xia Xian Xiang Xiao Xie Xin Xing Xiong Xu Xue Yan Yang Yao Ye Yi Yin Ying You
Yu Yuan Yue Yun Zang Zeng Zha Zhai Zhan Zhang Zhao Zhen Zheng Zhong Zhou Zhu Zhuang Zhuo
Zou Zuo""".split()
)
PLACES = frozenset(
    """China Beijing Shanghai Tianjin Chongqing Hebei Shanxi Liaoning Jilin
Heilongjiang Jiangsu Zhejiang Anhui Fujian Jiangxi Shandong Henan Hubei Hunan Guangdong
Hainan Sichuan Guizhou Yunnan Shaanxi Gansu Qinghai Taiwan Guangxi Tibet Xizang Ningxia
Xinjiang Macao Macau Guangzhou Shenzhen Wuhan Hangzhou Nanjing Chengdu Xi'an Xi’an Xiamen
Qingdao Dalian Shenyang Harbin Changsha Zhengzhou Jinan Kunming Lanzhou Urumqi Lhasa Hefei
Fuzhou Nanchang Nanning Guiyang Haikou Taiyuan Shijiazhuang Hohhot Yinchuan Xining Changchun
Suzhou Ningbo Wuxi Dongguan Foshan Tangshan Zhongnanhai Xiong'an Xiong’an Yan'an Yan’an
Asia Africa Europe America Russia Japan India Germany France Britain Italy Spain Brazil
Switzerland Geneva Pakistan Vietnam Laos Cambodia Thailand Singapore Malaysia Indonesia
Kazakhstan Egypt Mongolia Korea Australia Canada Mexico Argentina Chile Kenya Nigeria
Ethiopia Iran Turkey Greece Serbia Hungary Poland Belarus Uzbekistan""".split()
) | {
    "Hong Kong",
    "Inner Mongolia",
    "United States",
    "United Kingdom",
    "South Africa",
    "Pearl River Delta",
    "US",
    "UK",
}
PUBLICATIONS = frozenset(
    {
        "Xinhua",
        "China Daily",
        "People's Daily",
        "People’s Daily",
        "Qiushi",
        "Qiushi Journal",
        "Global Times",
        "CGTN",
        "CCTV",
        "Workers' Daily",
        "Workers’ Daily",
        "Guangming Daily",
        "Economic Daily",
        "China News Service",
        "Beijing Review",
        "Xinhua News Agency",
        "China Central Television",
    }
)
ORG_HEADS = frozenset(
    """Federation Federations Union Unions Committee Committees Party Corp
Corporation Company Co Group Commission Bureau Secretariat Ministry Department Association
Council Administration Office Agency Institute Institution University Academy College Bank
Court Procuratorate Government League Society Center Centre Foundation Organization
Organisation Army Assembly Fund Inc Ltd Chamber Alliance Cooperative Club Holdings Airlines
Authority Directorate Federation Board Network Enterprises Industries Trust""".split()
)
PLACE_HEADS = frozenset(
    """Province City County District Prefecture Municipality Region
Township Town Village Park Hall Square Street Road Avenue Sea Ocean River Lake Mountain
Mountains Bay Island Islands Port Zone Hub Area Plateau Desert Valley Strait Peninsula
Airport Station Stadium Building Tower Palace Temple Bridge Harbor Harbour Basin Delta
Gorges Dam Canal Republic""".split()
)
PUB_HEADS = frozenset(
    "Daily Journal Times News Post Magazine Gazette Review Weekly Herald Tribune".split()
)
NOT_ENTITY_HEADS = frozenset(
    """Congress Session Sessions Plenum Conference Forum Games
Olympics Expo Summit Festival Day Plan Initiative Campaign Award Awards Prize Medal
Ceremony Meeting Exhibition Fair Week Year Movement Law Thought Strategy Program Programme
Project Era Characteristics Rejuvenation Dream Revolution War Edition Speech Report
Declaration Constitution Charter Resolution Agreement Treaty""".split()
)
TITLES = frozenset(
    """President Premier Chairman Chairwoman Vice General Secretary Minister
Director Director-General Secretary-General Governor Mayor Mr Mrs Ms Dr Professor Prof
Comrade Academician Ambassador Deputy Chief""".split()
)
LEADING = TITLES | frozenset(
    """The A An This That These Those It Its He She They We I You
Our Their His Her In On At For From With By As And But Or If When While After Before Since
During Under Over Among Through To According Based Addressing Apart Regardless Also Then
There Here Meanwhile However Moreover Furthermore Besides Today Yesterday Tomorrow Last
Next Every Each All Both Many Some Most More Such What Which Who How Why Where Photo Photos
Source Editor Updated Nav Search Of Monday Tuesday Wednesday Thursday Friday Saturday
Sunday January February March April May June July August September October November
December""".split()
)
NOT_ACRONYMS = frozenset(
    """GDP AI CEO CEOs CPI PPI PMI ID IT TV OK COVID SOE SOEs SME SMEs RMB
USD PM AM VR AR EV EVs NEV NEVs PPE KPI MBA ICT HR QR APP GPS UAV IPO FDI NO II III IV VI
VII VIII IX XI XII BY OF THE AND PHOTO VIDEO AP""".split()
)
HEAD_TYPES = (
    (PUB_HEADS, "publication"),
    (ORG_HEADS, "organization"),
    (PLACE_HEADS, "place"),
    (NOT_ENTITY_HEADS, "skip"),
)
# The same as one lookup: head word -> kind, the first list holding it winning (built
# from the last list to the first, so that an earlier list overwrites).
HEAD_KIND = {head: kind for heads, kind in reversed(HEAD_TYPES) for head in heads}
CONNECTORS = frozenset({"of", "the", "and", "for", "de"})
COMMON_ENDINGS = ("ing", "ed", "ly")
SPEECH = frozenset(
    """said says told tells added adds noted notes stressed stresses urged
pledged called emphasized emphasised explained pointed asked recalled stated remarked
declared wrote vowed""".split()
)
APPOSITION = re.compile(
    r",\s+(?:a|an|the|who|whose|chairman|chairwoman|president|director|"
    r"head|secretary|chief|vice|deputy|general|deputy)\b"
)
SPEECH_AFTER = re.compile(r"\s+(?:also\s+)?([a-z]+)")
# What follows a run, in one match: a verb of speech (group 1: _spoke is true) or an
# apposition (group 2: APPOSITION matches); the first starts with white space, the
# second with a comma, so at most one of them is there.
AFTER_RUN = re.compile(
    rf"(\s+(?:also\s+)?(?:{'|'.join(sorted(SPEECH))})(?![a-z]))|({APPOSITION.pattern})"
)

CAP_TAIL = r"[A-Za-z0-9]*(?:[-’'&][A-Za-z0-9]+)*"
CAP = "[A-Z]" + CAP_TAIL
# A run starts at a capital not preceded by a word character; the capital comes first in
# the pattern (the look-behind checks the character before it) so that the regex engine
# skips ahead to the next capital instead of trying the look-behind at every character.
CHUNK = re.compile(
    rf"[A-Z](?<![\w’'&-][A-Z]){CAP_TAIL}(?:(?: (?:of|the|and|for|de)){{0,2}} {CAP}"
    rf"| [A-Z]\.(?= [A-Z]))*(?![\w’'&-])"
)
ACRONYM = re.compile(r"[A-Z]{2,7}")
NAME_SHAPE = re.compile(r"[A-Z][a-z]+(?:-[a-z]+)?|[A-Z]\.")
# Words joined by single spaces, each of NAME_SHAPE: one call instead of one per word.
NAME_SHAPES = re.compile(rf"(?:{NAME_SHAPE.pattern})(?: (?:{NAME_SHAPE.pattern}))*")


class Gazetteer:
    """Every known name and alias, compiled once into one regex (a character trie)."""

    __slots__ = ("forms", "pattern", "scans")

    def __init__(self, forms: dict[str, tuple[str, str]]):
        self.forms = forms  # surface form -> (entity_id, entity_type)
        self.pattern = re.compile(_forms_regex(forms)) if forms else None
        self.scans = _scans(forms)  # what find runs instead of the one pattern, if anything

    @classmethod
    def from_entities(cls, entities: Iterable[tuple[str, str, str, Sequence[str]]]) -> Gazetteer:
        """(entity_id, canonical name, entity_type, aliases) per entity; a form claimed
        by two entities goes to the first."""
        forms: dict[str, tuple[str, str]] = {}
        for entity_id, name, entity_type, aliases in entities:
            for form in (name, *aliases):
                if form:
                    forms.setdefault(form, (entity_id, entity_type))
        return cls(forms)

    def lookup(self, surface: str) -> tuple[str, str] | None:
        return self.forms.get(surface)

    def find(self, text: str) -> list[NameCandidate]:
        if self.pattern is None:
            return []
        if self.scans:
            # What the one pattern finds, when the matches of the scans do not overlap:
            # its first match is the first of any scan, and from that match's end on
            # the first of each scan is still its first match (one scan matches at a
            # position, or two overlap). Overlapping matches are left to the one pattern.
            matches = [m for scan in self.scans for m in scan.finditer(text)]
            matches.sort(key=re.Match.start)
            if any(a.end() > b.start() for a, b in itertools.pairwise(matches)):
                matches = self.pattern.finditer(text)
        else:
            matches = self.pattern.finditer(text)
        forms = self.forms
        out = []
        for m in matches:
            form = m.group()
            entity_id, entity_type = forms[form]
            start, end = m.span()
            out.append(make_name(start, end, form, entity_type, entity_id))
        return out


# Forms that begin with a lowercase letter ("the federation", "our Party") make the one
# pattern slow: the regex engine stops at every "t" or "o" of the text to try them. Found
# apart, one regex per first word, each starts with that word, which the engine looks for
# as a string, far faster; worth it for a few first words only.
MAX_LOWER_SCANS = 4


def _scans(forms: Iterable[str]) -> tuple[re.Pattern, ...]:
    """The forms that begin with a lowercase letter, one regex per first word, and one
    regex of the others; () when none begins so, or more than MAX_LOWER_SCANS words do."""
    by_word: dict[str, list[str]] = {}
    others = []
    for form in forms:
        if form[0].islower():
            by_word.setdefault(form.split(" ", 1)[0], []).append(form)
        else:
            others.append(form)
    if not by_word or len(by_word) > MAX_LOWER_SCANS:
        return ()
    scans = [_forms_regex(group, len(word)) for word, group in sorted(by_word.items())]
    if others:
        scans.append(_forms_regex(others))
    return tuple(map(re.compile, scans))


def _forms_regex(forms: Iterable[str], prefix: int = 1) -> str:
    """The forms on word boundaries, the longest at a position winning: one trie per first
    character, the boundary before the form checked after that character, so that the
    pattern starts with a character and the regex engine skips to where one can start.
    With a longer prefix (forms that all begin with one word), one trie after the prefix."""
    by_first: dict[str, list[str]] = {}
    for form in forms:
        by_first.setdefault(form[:prefix], []).append(form[prefix:])
    alternatives = []
    for first, rests in sorted(by_first.items()):
        c = re.escape(first)
        longer = [rest for rest in rests if rest]
        tail = trie(longer) if longer else ""
        if longer and "" in rests:  # the form of the prefix alone too
            tail = f"(?:{tail})?"
        alternatives.append(rf"{c}(?<![\w’'-]{c}){tail}")
    return "(?:" + "|".join(alternatives) + r")(?![\w]|-[A-Z0-9])"


def find_names(
    text: str, gazetteer: Gazetteer, layout: Layout | None = None
) -> list[NameCandidate]:
    """Every name mention: gazetteer matches, then typed unknown names in the gaps."""
    layout = layout or Layout(text)
    known = gazetteer.find(text)
    # the gazetteer spans (sorted, without overlaps), closed by one that no run reaches
    taken = [(n.char_start, n.char_end) for n in known] + [(sys.maxsize, sys.maxsize)]
    ends = [b for _, b in taken]
    unknown: list[NameCandidate] = []
    # taken[first] is the first gazetteer span ending after the current run's start: runs
    # come in order, so it only moves forward, and only when the run starts at or after
    # its end (a comparison per run instead of a bisection); a run that ends before the
    # span starts needs neither (one comparison: most runs, all without a gazetteer)
    first = 0
    known_start, known_end = taken[0]
    # Runs hold no line break, so each lies in one paragraph: headlines are skipped whole,
    # and the paragraphs between them are searched at once (the text between paragraphs
    # is white space, where no run starts or ends).
    for start, end in layout.stretches_without_headlines():
        for m in CHUNK.finditer(text, start, end):
            s, e = m.span()
            if known_start < e:
                if known_end <= s:
                    first = bisect.bisect_right(ends, s, first)
                    known_start, known_end = taken[first]
                if known_start < e:  # the run overlaps a known name
                    if (known_start, known_end) != (s, e):  # else the run is the name
                        for a, b in _free_pieces(s, e, taken, first):
                            _piece_names(text, a, b, layout, unknown)
                    continue
            run = m.group()
            if " " in run:
                _run_names(text, s, e, run, layout, unknown)
                continue
            # most runs are one word ("The", "In", "China"): _one_word, inlined, and
            # _word_name's dict looked up here (a quarter of the time of the call)
            found = _WORD_NAMES.get(run, False)
            if found is False:
                found = _word_name(run)
            if found is not None:
                end_of_name, kind = found
                if kind != "speaker" or _spoke(text, s + end_of_name):
                    kind = "person" if kind == "speaker" else kind
                    unknown.append(make_name(s, s + end_of_name, run[:end_of_name], kind, None))
    if not known:  # the runs come in order, and so do the names of each run
        return unknown
    return sorted(known + unknown, key=_START)


_START = operator.attrgetter("char_start")


def _free_pieces(s: int, e: int, taken: list[tuple[int, int]], first: int):
    """[s, e) minus the gazetteer spans (a sorted, non-overlapping list), from taken[first],
    the first span that ends after s."""
    pos = s
    for a, b in taken[first:]:
        if a >= e:
            break
        if a > pos:
            yield pos, a
        pos = b
    if pos < e:
        yield pos, e


def _run_names(
    text: str, s: int, e: int, run: str, layout: Layout, out: list[NameCandidate]
) -> None:
    """_chunk_names of a whole run, added to out, remembered for runs of several words.

    What those give depends on the run and on the text around it only through three
    questions: does the run open its sentence, is it followed by a verb of speech, by an
    apposition. Inside a run there is no comma, and no lowercase word but a connector, so
    nothing inside looks like speech or an apposition; and when no sentence starts inside
    the run (checked), no word but the first can open one, which is only asked of a first
    word ending like "Running" or "Based". Runs recur ("President Xi Jinping", "CPC
    Central Committee"), so their names are kept as offsets into the run; and which of
    the questions a run asks at all is kept too (_run_questions), so that most runs ask
    none: finding that out every time (a regex match, two string calls) took as long as
    the rest of a remembered run.
    """
    starts = layout.sentence_starts  # as layout.sentence(e - 1)[0] > s, without the calls
    if starts[bisect.bisect_right(starts, e - 1) - 1] > s:  # a sentence starts in the run:
        out += _chunk_names(text, s, e, layout)  # not remembered
        return
    questions = _RUN_QUESTIONS.get(run)
    if questions is None:
        questions = _run_questions(run)
    may_open, may_be_followed = questions
    opens = may_open and layout.at_sentence_start(s)
    after = AFTER_RUN.match(text, e) if may_be_followed else None
    _remembered(text, s, e, (run, opens, after.lastindex if after else 0), layout, out)


def _run_questions(run: str) -> tuple[bool, bool]:
    """Which questions of _run_names the names of this run of several words can depend
    on: whether it opens its sentence (only if its first word ends like "Running"), and
    what follows it. What follows is read only by _type, of a piece of the run that ends
    with the run's last word, and only when that word heads no known kind of name (the
    kind is returned first) or is a surname (then it may be a lone speaker, "… Chen
    said"): "CPC Central Committee", "Federation of Trade Unions" never read it."""
    if len(_RUN_QUESTIONS) >= RUN_CACHE_SIZE:
        _RUN_QUESTIONS.clear()
    last = run[run.rindex(" ") + 1 :]
    questions = (
        run.endswith(COMMON_ENDINGS, 0, run.index(" ")),
        last not in HEAD_KIND or last in SURNAMES,
    )
    _RUN_QUESTIONS[run] = questions
    return questions


_RUN_QUESTIONS: dict[str, tuple[bool, bool]] = {}


def _piece_names(text: str, s: int, e: int, layout: Layout, out: list[NameCandidate]) -> None:
    """_chunk_names of text[s:e], a piece of a run left between gazetteer names, added to
    out, remembered as _run_names remembers a run's: the same three questions, asked of
    the piece's words, since a piece can begin or end with the space next to a name
    (" Central Committee" after "CPC"). A piece of one word ("’s", "-based") is not
    remembered: _one_word is quicker than the key."""
    piece = text[s:e]
    starts = layout.sentence_starts
    if " " not in piece or starts[bisect.bisect_right(starts, e - 1) - 1] > s:
        out += _chunk_names(text, s, e, layout)  # not remembered
        return
    words = piece.split()
    if not words:
        return  # only spaces: no names
    first = e - len(piece.lstrip())  # where the first word starts, the last one ends
    last = s + len(piece.rstrip())
    opens = words[0].endswith(COMMON_ENDINGS) and layout.at_sentence_start(first)
    after = AFTER_RUN.match(text, last)
    _remembered(text, s, e, (piece, opens, after.lastindex if after else 0), layout, out)


def _remembered(
    text: str, s: int, e: int, key: tuple[str, bool, int], layout: Layout, out: list
) -> None:
    """_chunk_names of text[s:e], added to out: made and kept under key as offsets into
    text[s:e] the first time, made from what was kept when the key recurs."""
    found = _RUN_NAMES.get(key)
    if found is None:
        if len(_RUN_NAMES) >= RUN_CACHE_SIZE:
            _RUN_NAMES.clear()
        names = _chunk_names(text, s, e, layout)
        _RUN_NAMES[key] = [(n.char_start - s, n.char_end - s, n.text, n.entity_type) for n in names]
        out += names
        return
    for a, b, name, kind in found:  # (a loop, not a list comprehension: most runs give one)
        out.append(make_name(s + a, s + b, name, kind, None))


_RUN_NAMES: dict[tuple[str, bool, int], list[tuple[int, int, str, str]]] = {}
RUN_CACHE_SIZE = 1 << 14  # runs remembered at most (then forgotten all at once)


def _chunk_names(text: str, s: int, e: int, layout: Layout) -> list[NameCandidate]:
    """Typed names inside the capitalized run text[s:e]."""
    word = text[s:e]
    if " " not in word:  # most runs are one word: "The", "In", "China"
        return _one_word(text, s, e, word)
    # The words (\S+: split() and the regex \s agree on white space) and their spans,
    # each word found from the end of the one before (only white space is between them).
    words = word.split()
    toks = []
    pos = s
    for w in words:
        pos = text.find(w, pos)
        toks.append((pos, pos + len(w)))
        pos += len(w)
    if "’s" not in word and "'s" not in word:  # no possessive to split at
        return _piece(text, toks, words, layout)
    out: list[NameCandidate] = []
    # split at possessives ("China’s Ministry" -> "China", "Ministry …")
    start = 0
    for i, ((a, b), word) in enumerate(zip(toks, words, strict=True)):
        if word.endswith(("’s", "'s")) and word not in ("People's", "People’s"):
            if b - 2 > a:
                out.extend(
                    _piece(text, [*toks[start:i], (a, b - 2)], [*words[start:i], word[:-2]], layout)
                )
            else:
                out.extend(_piece(text, toks[start:i], words[start:i], layout))
            start = i + 1
    out.extend(_piece(text, toks[start:], words[start:], layout))
    return out


def _one_word(text: str, s: int, e: int, word: str) -> list[NameCandidate]:
    """_chunk_names for a run of one word, which only a surname's next word can change."""
    found = _word_name(word)
    if found is None:
        return []
    end, kind = found
    if kind == "speaker":  # "Chen said"
        if not _spoke(text, s + end):
            return []
        kind = "person"
    return [make_name(s, s + end, word[:end], kind, None)]


def _word_name(word: str) -> tuple[int, str] | None:
    """(length, kind) of the name a run of this one word gives, or None: a possessive "’s"
    is left out ("People's" is a word of its own); kind as `_word_kind`. Remembered: the
    same words recur ("The", "Party", "Xi"); a dict, not functools.lru_cache, so that
    find_names can look a word up without a call."""
    found = _WORD_NAMES.get(word, False)
    if found is False:
        if len(_WORD_NAMES) >= WORD_CACHE_SIZE:
            _WORD_NAMES.clear()
        found = _WORD_NAMES[word] = _new_word_name(word)
    return found


_WORD_NAMES: dict[str, tuple[int, str] | None] = {}
WORD_CACHE_SIZE = 1 << 16  # words remembered at most (then forgotten all at once)


def _new_word_name(word: str) -> tuple[int, str] | None:
    if word.endswith(("’s", "'s")) and word not in ("People's", "People’s"):
        word = word[:-2]
        if not word:
            return None
    kind = _word_kind(word)
    return (len(word), kind) if kind else None


def _word_kind(word: str) -> str | None:
    """What _piece and _type make of a run of this one word: a leading or connecting word
    is dropped, then a known name, a surname ("speaker": a person if a verb of speech
    follows), an acronym, or nothing."""
    if word in LEADING or word in CONNECTORS or not word[0].isupper():
        return None
    known = _known(word)
    if known:
        return known
    if NAME_SHAPE.fullmatch(word):
        return "speaker" if word in SURNAMES else None
    return "organization" if _acronym(word) else None


def _spoke(text: str, e: int) -> bool:
    """A verb of speech follows text[:e] ("Chen said", "Chen also said")."""
    speech = SPEECH_AFTER.match(text, e)
    return speech is not None and speech.group(1) in SPEECH


def _piece(
    text: str, toks: list[tuple[int, int]], words: list[str], layout: Layout, titled: bool = False
) -> list[NameCandidate]:
    """Typed names in the words of a run (words[i] is text[a:b] for (a, b) = toks[i])."""
    if (
        len(words) >= 3
        and (words[0].isupper() or words[0] in CONNECTORS)  # most runs fail here, at once
        and all(w.isupper() for w in words if w not in CONNECTORS)
    ):
        return []  # an all-caps credit line: "PHOTO BY XINHUA REPORTER JU PENG"
    if not LEADING.isdisjoint(words):
        for i in range(1, len(words)):  # "Qiu Wen Source", "Xinhua President Fu Hua"
            if words[i] in LEADING:
                return _piece(text, toks[:i], words[:i], layout, titled) + _piece(
                    text, toks[i:], words[i:], layout
                )
    while words and (
        words[0] in LEADING
        or words[0] in CONNECTORS
        or not words[0][0].isupper()
        or (
            len(words) > 1
            and words[0].endswith(COMMON_ENDINGS)
            and layout.at_sentence_start(toks[0][0])
        )
    ):
        titled = titled or words[0] in TITLES  # "President Xi Jinping"
        words, toks = words[1:], toks[1:]
    while words and words[-1] in CONNECTORS:
        words, toks = words[:-1], toks[:-1]
    if not words:
        return []
    if "and" in words:  # "Xi Jinping and Li Qiang": two names
        i = words.index("and")
        if _person_shape(words[i + 1 :]) or _person_shape(words[:i]):
            return _piece(text, toks[:i], words[:i], layout) + _piece(
                text, toks[i + 1 :], words[i + 1 :], layout
            )
        for j in range(1, len(words) - 2):  # "the Ministry of … and the Tianjin government"
            if words[j] == "and" and words[j + 1] == "the":
                return _piece(text, toks[:j], words[:j], layout) + _piece(
                    text, toks[j + 2 :], words[j + 2 :], layout
                )
    s, e = toks[0][0], toks[-1][1]
    kind = _type(words, text, s, e, titled)
    if kind == "skip":
        if "of" in words:  # "National Congress of the All-China Federation …"
            i = words.index("of")
            return _piece(text, toks[i + 1 :], words[i + 1 :], layout)
        return _singles(toks, words)
    if kind:
        return [make_name(s, e, text[s:e], kind, None)]
    if not CONNECTORS.isdisjoint(words):  # untyped: try each piece between connectors
        out: list[NameCandidate] = []
        start = 0
        for i, w in enumerate([*words, "of"]):
            if w in CONNECTORS:
                if i > start:
                    out.extend(_piece(text, toks[start:i], words[start:i], layout))
                start = i + 1
        return out
    if len(words) > 1:
        return _singles(toks, words)
    return []


def _singles(toks, words) -> list[NameCandidate]:
    """Acronyms and known single names inside a run that is not a name as a whole."""
    out = []
    for (a, b), w in zip(toks, words, strict=True):
        kind = _single_kind(w)
        if kind:
            out.append(make_name(a, b, w, kind, None))
    return out


@functools.lru_cache(maxsize=1 << 16)
def _single_kind(word: str) -> str | None:
    """A known name's kind, "organization" for an acronym, else None (remembered: the
    words of runs recur, "Central", "Committee", "CPC")."""
    return _known(word) or ("organization" if _acronym(word) else None)


def _known(name: str) -> str | None:
    if name in PUBLICATIONS or name.title() in PUBLICATIONS:
        return "publication"
    if name in PLACES or (name.isupper() and name.title() in PLACES):
        return "place"
    return None


def _acronym(word: str) -> bool:
    # ACRONYM.fullmatch(word) without the regex call: 2 to 7 characters, all of A-Z
    # (ASCII letters with no lowercase one)
    return (
        1 < len(word) < 8
        and word.isascii()
        and word.isalpha()
        and word.isupper()
        and word not in NOT_ACRONYMS
    )


def _person_shape(words: list[str]) -> bool:
    return (
        2 <= len(words) <= 3 and words[0] in SURNAMES and all(map(NAME_SHAPE.fullmatch, words[1:]))
    )


def _type(words: list[str], text: str, s: int, e: int, titled: bool) -> str | None:
    """Entity type of a run, "skip" for an event or idea, None when unknown."""
    name = " ".join(words)
    known = _known(name)
    if known:
        return known
    n = len(words)
    linked = "of" in words or "for" in words
    if n > 1:
        if name.endswith(("People's Congress", "People’s Congress", "Consultative Conference")):
            return "organization"
        head = words[-1]  # the word before the first "of" or "for", else the last one
        if linked:
            first = words.index("of") if "of" in words else n
            if "for" in words[:first]:
                first = words.index("for")
            head = words[first - 1] if first > 0 else head
        kind = HEAD_KIND.get(head)
        if kind:
            return kind
    if linked or not CONNECTORS.isdisjoint(words):
        return None
    if NAME_SHAPES.fullmatch(name):  # every word is name-shaped
        if (1 < n < 4 and words[0] in SURNAMES) or (titled and n <= 3):
            return "person"
        if n == 1:
            return "person" if words[0] in SURNAMES and _spoke(text, e) else None
        # two or three words followed by a verb of speech or an apposition
        # (AFTER_RUN: _spoke or APPOSITION.match, in one call)
        if n <= 3 and AFTER_RUN.match(text, e):
            return "person"
    if n == 1 and _acronym(words[0]):
        return "organization"
    return None
