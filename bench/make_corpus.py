"""A deterministic synthetic corpus of N articles, derived from the five seed sources.

    python bench/make_corpus.py N OUT [--seeds sources/] [--seed 0]

Article i is seed i % 5 rewritten with its own random generator (seeded with the corpus
seed and i, never the clock), so the same N gives byte-identical files and the corpus of
N articles is the first N articles of any larger one. What changes from the seed:

- dates: the publication date moves by a whole number of weeks, so "on Monday" still
  names the Monday before it; every date in the text (ISO, "2023.10.23", "April 28, 2025",
  "Oct. 23") moves by the same number of days, and years from 2000 on by the same number
  of years (older, historical years stay);
- numbers of two or more digits, cardinal or ordinal: a new number with as many digits
  (from four digits on, as many trailing zeros too), the same separators and decimals
  ("540,000" -> "318,000", "18th" -> "41st"), the same way throughout an article;
- the names of people other than Xi Jinping: each is swapped for one from a fixed list.

It writes OUT/<i:06d>_s<seed>.txt and OUT/sources.csv (file, published, title, outlet,
author, genre, language, sha256), and replaces nothing else in OUT.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import random
import re
from dataclasses import dataclass
from pathlib import Path

from build_dataset.extract.dates import MONTH_NAMES

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ("file", "published", "title", "outlet", "author", "genre", "language", "sha256")
MAX_WEEKS_BACK = 15 * 52

MONTHS = MONTH_NAMES  # January ... December
ABBR = {m[:3]: i for i, m in enumerate(MONTHS, 1)}
# People named in the seeds (Xi Jinping stays: most articles are about him).
SEED_PEOPLE = (
    "Mo Jingxi",
    "Cai Qi",
    "Zhao Leji",
    "Wang Huning",
    "Ding Xuexiang",
    "Li Xi",
    "Li Qiang",
    "Yi Xiaowei",
    "Wang Dongming",
    "Gao Feng",
    "Chen Keying",
    "Ju Peng",
    "Qiu Wen",
    "Wang Ye",
)
NAMES = (
    "Zhang Wei",
    "Wang Fang",
    "Li Na",
    "Liu Yang",
    "Chen Jing",
    "Yang Lei",
    "Huang Min",
    "Zhao Jun",
    "Wu Hua",
    "Zhou Ping",
    "Xu Tao",
    "Sun Li",
    "Ma Chao",
    "Zhu Hong",
    "Hu Bin",
    "Guo Qiang",
    "He Yan",
    "Lin Feng",
    "Luo Xin",
    "Zheng Hui",
    "Liang Yu",
    "Song Jie",
    "Tang Ming",
    "Han Bo",
    "Feng Lan",
    "Deng Kai",
    "Cao Ying",
    "Peng Yu",
    "Zeng Rui",
    "Xiao Gang",
    "Tian Mei",
    "Dong Hai",
    "Yuan Zhi",
    "Pan Lei",
    "Jiang Tao",
    "Cai Yun",
    "Jia Ning",
    "Wei Dong",
    "Xue Qing",
    "Ye Fan",
)

_MONTH = "|".join([*MONTHS, *(m[:3] for m in MONTHS), "Sept"])
PATTERN = re.compile(
    r"(?P<iso>\b(?:19|20)\d\d-\d\d-\d\d\b)"
    r"|(?P<dotted>\b(?:19|20)\d\d\.\d{1,2}\.\d{1,2}\b)"
    rf"|(?P<mdate>\b(?P<mon>{_MONTH})(?P<dot>\.?) (?P<day>\d{{1,2}})"
    r"(?:(?P<sep>,? )(?P<year>(?:19|20)\d\d))?(?: to (?P<day2>\d{1,2}))?\b)"
    r"|(?P<name>\b(?:"
    + "|".join(sorted((re.escape(p) for p in SEED_PEOPLE), key=len, reverse=True))
    + "|"
    + "|".join(re.escape(p.upper()) for p in SEED_PEOPLE)
    + r")\b)"
    r"|(?P<num>(?<![\w.,])(?P<digits>\d{1,3}(?:,\d{3})+|\d{2,})(?P<frac>\.\d+)?"
    r"(?P<ord>st|nd|rd|th)?\b)"
)


@dataclass(frozen=True)
class Seed:
    file: str
    meta: dict[str, str]
    text: str
    published: dt.date


def load_seeds(folder: Path) -> list[Seed]:
    with open(folder / "sources.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        Seed(
            r["file"],
            r,
            (folder / r["file"]).read_bytes().decode("utf-8"),
            dt.date.fromisoformat(r["published"]),
        )
        for r in rows
    ]


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


class Rewriter:
    """The rewriting of one article: its date shift, numbers and names."""

    def __init__(self, seed: Seed, rng: random.Random):
        self.rng = rng
        self.seed = seed
        self.shift = dt.timedelta(weeks=-rng.randrange(MAX_WEEKS_BACK + 1))
        self.published = seed.published + self.shift
        self.years = self.published.year - seed.published.year
        names = rng.sample(NAMES, len(SEED_PEOPLE))
        self.names = dict(zip(SEED_PEOPLE, names, strict=True))
        self.names.update({p.upper(): n.upper() for p, n in self.names.items()})
        self.numbers: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        return PATTERN.sub(self._replace, text)

    def _date(self, d: dt.date) -> dt.date:
        return d + self.shift

    def _replace(self, m: re.Match) -> str:
        if m["iso"]:
            return self._date(dt.date.fromisoformat(m["iso"])).isoformat()
        if m["dotted"]:
            y, mo, d = (int(x) for x in m["dotted"].split("."))
            new = self._date(dt.date(y, mo, d))
            return f"{new.year}.{new.month:02d}.{new.day:02d}"
        if m["mdate"]:
            return self._month_date(m)
        if m["name"]:
            return self.names[m["name"]]
        return self._number(m)

    def _month_date(self, m: re.Match) -> str:
        mon = m["mon"]
        full = mon in MONTHS
        year = int(m["year"]) if m["year"] else self.seed.published.year
        start = self._date(dt.date(year, ABBR[mon[:3]], int(m["day"])))
        name = MONTHS[start.month - 1]
        out = f"{name if full else name[:3]}{m['dot'] if name != 'May' or full else ''}"
        out += f" {start.day}"
        if m["year"]:
            out += f"{m['sep']}{start.year}"
        if m["day2"]:
            out += f" to {(start + dt.timedelta(days=int(m['day2']) - int(m['day']))).day}"
        return out

    def _number(self, m: re.Match) -> str:
        raw = m["num"]
        if raw not in self.numbers:
            self.numbers[raw] = self._new_number(m)
        return self.numbers[raw]

    def _new_number(self, m: re.Match) -> str:
        digits, frac, ordinal = m["digits"], m["frac"] or "", m["ord"]
        plain = digits.replace(",", "")
        if (
            not frac
            and not ordinal
            and "," not in digits
            and len(plain) == 4
            and plain[:2] in ("19", "20")
        ):
            year = int(plain)
            return str(year + self.years) if year >= 2000 else plain
        zeros = len(plain) - len(plain.rstrip("0")) if len(plain) > 3 else 0
        zeros = min(zeros, len(plain) - 1)  # a round number stays round: 540,000 -> 318,000
        head = len(plain) - zeros
        n = self.rng.randrange(10 ** (head - 1), 10**head) * 10**zeros
        out = f"{n:,}" if "," in digits else str(n)
        if frac:
            out += "." + "".join(str(self.rng.randrange(10)) for _ in frac[1:])
        if ordinal:
            out += _ordinal(n)
        return out


def article(seeds: list[Seed], i: int, corpus_seed: int, attempt: int = 0):
    """(file name, manifest row, bytes) of article i."""
    seed = seeds[i % len(seeds)]
    rng = random.Random(f"acftu-bench:{corpus_seed}:{i}:{attempt}")
    rewrite = Rewriter(seed, rng)
    raw = rewrite(seed.text).encode("utf-8")
    name = f"{i:06d}_s{i % len(seeds)}.txt"
    meta = {
        "file": name,
        "published": rewrite.published.isoformat(),
        "title": rewrite(seed.meta.get("title", "")),
        "outlet": seed.meta.get("outlet", ""),
        "author": rewrite(seed.meta.get("author", "")),
        "genre": seed.meta.get("genre", ""),
        "language": seed.meta.get("language", ""),
        "sha256": hashlib.sha256(raw).hexdigest(),
    }
    return name, meta, raw


def make_corpus(
    n: int, out: Path, seeds_dir: Path = ROOT / "sources", corpus_seed: int = 0
) -> list[dict]:
    """Write n articles and sources.csv into `out`; return the manifest rows."""
    seeds = load_seeds(seeds_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows, seen = [], set()
    for i in range(n):
        attempt = 0
        name, meta, raw = article(seeds, i, corpus_seed)
        while meta["sha256"] in seen:  # the same bytes twice: draw again (deterministic)
            attempt += 1
            name, meta, raw = article(seeds, i, corpus_seed, attempt)
        seen.add(meta["sha256"])
        (out / name).write_bytes(raw)
        rows.append(meta)
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (out / "sources.csv").write_bytes(buf.getvalue().encode("utf-8"))
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="number of articles")
    p.add_argument("out", type=Path, help="output folder")
    p.add_argument(
        "--seeds",
        type=Path,
        default=ROOT / "sources",
        help="folder with the seed texts and sources.csv (default: sources/)",
    )
    p.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    args = p.parse_args(argv)
    rows = make_corpus(args.n, args.out, args.seeds, args.seed)
    size = sum((args.out / r["file"]).stat().st_size for r in rows)
    print(f"{args.out}: {len(rows)} articles, {size / 1e6:.1f} MB of text")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
