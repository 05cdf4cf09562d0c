"""Benchmark: the build at N articles, side by side with the tools people use instead.

    python bench/benchmark.py [--sizes 100 1000 10000] [--compare-size 2000] [--json FILE]

Needs the pinned tools of bench/requirements.txt (quantulum3, dateparser) besides the
project's own environment. In one run, it:

1. writes a synthetic corpus of N articles for every size (bench/make_corpus.py) and
   builds each in a child process (`python -m build_dataset build --sources … --out …
   --annotations <empty folder>`), measuring wall time, MB/s of source text, CPU time, and
   peak memory: the largest resident set of the child and its pool workers (getrusage
   through wait4), and the peak proportional set size of the whole process tree, sampled
   from /proc every half second (it counts pages shared by the forked workers once; reading
   it costs about 25 ms per GB, so it is not read more often);
2. times quantulum3 (`parser.parse` per paragraph) and dateparser (`search_dates` per
   paragraph, English, relative to the publication date) on a fixed sample of the same
   text (the paragraphs of the first --sample-articles articles, every seed equally) after
   one warm-up call, and extrapolates per MB: the synthetic corpus repeats the seeds, so
   their speed per MB does not depend on N. The throughput target is judged in --rounds
   rounds, each a run of quantulum3 on the sample followed at once by a build of the
   largest N: the ratio of each round compares two runs made a few seconds apart, and the
   median round is the verdict (a shared VM's speed was seen to drift by half within an
   hour, so a build and a quantulum3 run timed minutes apart compare the moments, not the
   tools). The rounds' builds are timed without the memory sampling of step 1, which
   reports nothing there: each reading took 9 ms of CPU at 10,000 articles (1.7% of a core,
   taken from a build that keeps both busy). dateparser is timed as the fastest of
   --repeat runs;
3. at --compare-size articles: `frictionless validate` and `build-dataset validate` on the
   same package (best of --repeat runs each, the same verdict required), and a rebuild
   with nothing changed (a second build into the same output folder);
4. prints the ratios against the four targets of issue 8, with PASS or FAIL.

The machine (cores, memory, CPU, load) and the library versions are printed first: the
numbers mean little without them. Linux only (/proc, wait4).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_corpus import make_corpus  # noqa: E402

MB = 1_000_000
SAMPLE_EVERY = 0.5  # seconds between two readings of the process tree's PSS
GIB = 1 << 30
PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0\u3000]*\n")
TARGETS = {
    "throughput": "build MB/s >= 100 x quantulum3's at the largest N, in the median round",
    "validate": "build-dataset validate >= 10 x faster than frictionless validate, same verdict",
    "memory": "peak memory < 1 GiB at the compare size, and at the largest N <= 2 x that",
    "rebuild": "rebuild with nothing changed <= 10% of the full build, at the compare size",
}


@dataclass
class Run:
    """One child process: wall and CPU seconds, peak memory in bytes, exit code."""

    wall: float
    cpu: float
    max_rss: int  # largest single process (child or a waited-for descendant)
    tree_pss: int | None  # peak PSS summed over the process tree (sampled)
    returncode: int
    load: float  # 1-minute load average when it started

    @property
    def peak(self) -> int:
        return max(self.max_rss, self.tree_pss or 0)


# ---------------------------------------------------------------- measuring a child


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_pss(root: int) -> int:
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss(pid)
        todo += _children(pid)
    return total


def run_child(cmd: list[str], log: Path, cwd: Path | None = None, pss: bool = True) -> Run:
    """Run `cmd`, its output to `log`; wall time, CPU time and peak memory of its tree
    (the tree's PSS sampled only if `pss`)."""
    load = os.getloadavg()[0]
    peak = {"pss": 0}
    done = threading.Event()
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)

        def sample():
            while not done.is_set():
                peak["pss"] = max(peak["pss"], _tree_pss(proc.pid))
                done.wait(SAMPLE_EVERY)

        sampler = threading.Thread(target=sample, daemon=True)
        if pss:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        if pss:
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss=usage.ru_maxrss * 1024,
        tree_pss=peak["pss"] or None,
        returncode=proc.returncode,
        load=load,
    )


# ---------------------------------------------------------------- the machine


def machine() -> dict:
    def first(path: str, key: str) -> str | None:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return None

    versions = {}
    for dist in (
        "acftu-discourse",
        "pyarrow",
        "pydantic",
        "frictionless",
        "quantulum3",
        "dateparser",
    ):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    mem = first("/proc/meminfo", "MemTotal")
    return {
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "memory_gib": round(int(mem.split()[0]) / (1 << 20), 1) if mem else None,
        "cpu": first("/proc/cpuinfo", "model name"),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "load_at_start": os.getloadavg(),
    }


# ---------------------------------------------------------------- the other tools


def paragraph_sample(corpus: Path, articles: int) -> list[tuple[str, dt.date]]:
    """(paragraph, publication date) of the first `articles` articles of a corpus."""
    with open(corpus / "sources.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))[:articles]
    out = []
    for r in rows:
        text = (corpus / r["file"]).read_text(encoding="utf-8")
        published = dt.date.fromisoformat(r["published"])
        out += [(p.strip(), published) for p in PARAGRAPH_BREAK.split(text) if p.strip()]
    return out


class Quantulum:
    """quantulum3, loaded and warmed up once; `run()` times one pass over the sample."""

    def __init__(self, sample: list[tuple[str, dt.date]]):
        self.sample, self.seconds, self.found = sample, [], 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "classifier dependencies not installed"
            from quantulum3 import parser

            t = time.perf_counter()
            parser.parse("a warm-up of 3 km")  # loads the unit tables
            self.warm = time.perf_counter() - t
        self.parser = parser

    def run(self) -> float:
        """One timed pass over the sample (`parser.parse` per paragraph): its MB/s."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = time.perf_counter()
            self.found = sum(len(self.parser.parse(p)) for p, _ in self.sample)
            self.seconds.append(time.perf_counter() - t)
        return _speed(self.sample, self.seconds[-1], self.warm, self.found)["mb_per_s"]

    def speed(self) -> dict:
        """Its speed over the runs so far: the fastest (in its favour)."""
        best = _speed(self.sample, min(self.seconds), self.warm, self.found)
        return {**best, "runs": self.seconds}


def time_dateparser(sample: list[tuple[str, dt.date]], repeat: int = 1) -> dict:
    """dateparser's speed on the sample: the fastest of `repeat` runs after a warm-up."""
    from dateparser.search import search_dates

    t = time.perf_counter()
    search_dates("on Monday, Oct. 23, 2023", languages=["en"])
    warm = time.perf_counter() - t
    seconds = []
    for _ in range(repeat):
        t = time.perf_counter()
        found = 0
        for p, published in sample:
            base = dt.datetime.combine(published, dt.time())
            settings = {"RELATIVE_BASE": base}
            found += len(search_dates(p, languages=["en"], settings=settings) or [])
        seconds.append(time.perf_counter() - t)
    return _speed(sample, min(seconds), warm, found)


def _speed(sample, seconds: float, warm: float, found: int) -> dict:
    size = sum(len(p.encode("utf-8")) for p, _ in sample)
    return {
        "paragraphs": len(sample),
        "bytes": size,
        "seconds": seconds,
        "warmup": warm,
        "found": found,
        "mb_per_s": size / MB / seconds,
    }


# ---------------------------------------------------------------- the benchmark


def corpus_bytes(corpus: Path) -> int:
    return sum(p.stat().st_size for p in corpus.glob("*.txt"))


def build_cmd(python: str, corpus: Path, out: Path, annotations: Path) -> list[str]:
    return [
        python,
        "-m",
        "build_dataset",
        "build",
        "--sources",
        str(corpus),
        "--out",
        str(out),
        "--annotations",
        str(annotations),
    ]


def best_of(repeat: int, cmd: list[str], log: Path) -> Run:
    runs = [run_child(cmd, log) for _ in range(repeat)]
    return min(runs, key=lambda r: r.wall)


def frictionless_cmd(package: Path, python: str) -> list[str]:
    exe = Path(python).with_name("frictionless")
    return [
        str(exe) if exe.exists() else "frictionless",
        "validate",
        str(package / "datapackage.json"),
    ]


def benchmark(args) -> dict:
    work = args.work
    empty = work / "annotations-none"
    empty.mkdir(parents=True, exist_ok=True)
    result: dict = {"machine": machine(), "builds": {}, "tools": {}, "compare": {}}
    _print_machine(result["machine"])
    sizes = sorted(set(args.sizes) | {args.compare_size})
    for n in sizes:
        corpus, out = work / f"corpus-{n}", work / f"out-{n}"
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        make_corpus(n, corpus)
        size = corpus_bytes(corpus)
        run = run_child(build_cmd(args.python, corpus, out, empty), work / f"build-{n}.log")
        _check(run, work / f"build-{n}.log")
        entry = {
            "articles": n,
            "bytes": size,
            **asdict(run),
            "mb_per_s": size / MB / run.wall,
            "peak": run.peak,
        }
        result["builds"][n] = entry
        print(
            f"build N={n:>6}: {size / MB:6.1f} MB in {run.wall:7.2f} s = "
            f"{entry['mb_per_s']:5.2f} MB/s, CPU {run.cpu:7.1f} s, max RSS "
            f"{run.max_rss / MB:6.0f} MB, tree PSS {(run.tree_pss or 0) / MB:6.0f} MB "
            f"(load {run.load:.1f})",
            flush=True,
        )
        if n == args.compare_size:
            result["compare"] = compare(out, work, args.repeat, run, args.python)
        if n != max(sizes) and not args.keep:
            shutil.rmtree(out, ignore_errors=True)
    if not args.skip_tools:
        sample = paragraph_sample(work / f"corpus-{max(sizes)}", args.sample_articles)
        try:
            result["rounds"] = throughput_rounds(args, sample, max(sizes), empty)
            result["tools"]["quantulum3"] = result["rounds"].pop("quantulum3")
        except ImportError:
            print("quantulum3: not installed (pip install -r bench/requirements.txt)")
        try:
            result["tools"]["dateparser"] = time_dateparser(sample, args.repeat)
        except ImportError:
            print("dateparser: not installed (pip install -r bench/requirements.txt)")
        for name, t in result["tools"].items():
            runs = len(t.get("runs", ())) or args.repeat
            print(
                f"{name}: {t['bytes'] / MB:.3f} MB ({t['paragraphs']} paragraphs of the "
                f"first {args.sample_articles} articles) in {t['seconds']:.2f} s = "
                f"{t['mb_per_s']:.4f} MB/s (best of {runs}) after a "
                f"{t['warmup']:.2f} s warm-up; "
                f"extrapolated per MB to every N in the table",
                flush=True,
            )
    result["machine"]["load_at_end"] = os.getloadavg()
    result["verdicts"] = verdicts(result, args)
    _print_summary(result, args)
    return result


def throughput_rounds(args, sample, n: int, annotations: Path) -> dict:
    """--rounds rounds of quantulum3 over the sample, then at once a build of the N-article
    corpus (into a new folder): each round's ratio of MB/s, and their median."""
    quantulum = Quantulum(sample)  # ImportError if not installed
    corpus, out = args.work / f"corpus-{n}", args.work / f"out-{n}-round"
    size = corpus_bytes(corpus)
    rounds = []
    for r in range(1, args.rounds + 1):
        theirs = quantulum.run()
        shutil.rmtree(out, ignore_errors=True)
        log = args.work / f"build-{n}-round.log"
        run = run_child(build_cmd(args.python, corpus, out, annotations), log, pss=False)
        _check(run, log)
        ours = size / MB / run.wall
        rounds.append({"quantulum3_mb_per_s": theirs, "build_s": run.wall, "ratio": ours / theirs})
        print(
            f"round {r}: quantulum3 {theirs:.4f} MB/s, then the build of N={n} in "
            f"{run.wall:.2f} s = {ours:.2f} MB/s (CPU {run.cpu:.1f} s): {ours / theirs:.1f}x",
            flush=True,
        )
    shutil.rmtree(out, ignore_errors=True)
    return {
        "articles": n,
        "rounds": rounds,
        "median_ratio": statistics.median(r["ratio"] for r in rounds),
        "quantulum3": quantulum.speed(),
    }


def compare(out: Path, work: Path, repeat: int, full: Run, python: str) -> dict:
    """Rebuild with nothing changed, and both validators, on the package in `out`."""
    n = out.name.split("-")[-1]
    corpus = work / f"corpus-{n}"
    rebuild = run_child(
        build_cmd(python, corpus, out, work / "annotations-none"), work / "rebuild.log"
    )
    _check(rebuild, work / "rebuild.log")
    skipped = "up to date" in (work / "rebuild.log").read_text(encoding="utf-8")
    print(
        f"rebuild N={n}, nothing changed: {rebuild.wall:.2f} s = "
        f"{100 * rebuild.wall / full.wall:.1f}% of the full build"
        f"{'' if skipped else ' (NOT skipped: it rebuilt)'}",
        flush=True,
    )
    ours = best_of(
        repeat, [python, "-m", "build_dataset", "validate", str(out)], work / "validate.log"
    )
    theirs = best_of(repeat, frictionless_cmd(out, python), work / "frictionless.log")
    print(
        f"validate N={n} (best of {repeat}): build-dataset validate {ours.wall:.2f} s "
        f"(exit {ours.returncode}), frictionless validate {theirs.wall:.2f} s "
        f"(exit {theirs.returncode}); both run by {python}",
        flush=True,
    )
    return {
        "articles": int(n),
        "rebuild": asdict(rebuild),
        "rebuild_skipped": skipped,
        "validate": asdict(ours),
        "frictionless": asdict(theirs),
    }


def verdicts(result: dict, args) -> dict:
    builds, cmp_ = result["builds"], result["compare"]
    largest = builds[max(builds)]
    out = {}
    rounds = result.get("rounds")
    if rounds:
        ratio, each = rounds["median_ratio"], [r["ratio"] for r in rounds["rounds"]]
        out["throughput"] = (
            ratio >= 100,
            f"{ratio:.1f}x at N={rounds['articles']}, the median of {len(each)} rounds ("
            + ", ".join(f"{x:.1f}x" for x in each)
            + ")",
        )
    if cmp_:
        ours, theirs = cmp_["validate"], cmp_["frictionless"]
        ratio = theirs["wall"] / ours["wall"]
        same = (ours["returncode"] == 0) == (theirs["returncode"] == 0)
        out["validate"] = (
            ratio >= 10 and same,
            f"{ratio:.1f}x, verdicts {'agree' if same else 'DIFFER'}",
        )
        share = cmp_["rebuild"]["wall"] / builds[cmp_["articles"]]["wall"]
        out["rebuild"] = (share <= 0.10 and cmp_["rebuild_skipped"], f"{100 * share:.1f}%")
        base = builds[cmp_["articles"]]["peak"]
        growth = largest["peak"] / base
        out["memory"] = (
            base < GIB and growth <= 2,
            f"{base / MB:.0f} MB at N={cmp_['articles']}, {largest['peak'] / MB:.0f}"
            f" MB at N={largest['articles']} ({growth:.2f}x)",
        )
    return out


def _check(run: Run, log: Path) -> None:
    if run.returncode != 0:
        sys.stderr.write(log.read_text(encoding="utf-8", errors="replace")[-4000:])
        raise SystemExit(f"benchmark: a build failed (exit {run.returncode}), see {log}")


def _print_machine(m: dict) -> None:
    print(
        f"machine: {m['cores']} cores ({m['cores_usable']} usable), {m['memory_gib']} GiB, "
        f"{m['cpu']}; {m['os']}; Python {m['python']}"
    )
    print("versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()))
    print("load average at start: " + " ".join(f"{x:.2f}" for x in m["load_at_start"]), flush=True)


def _print_summary(result: dict, args) -> None:
    tools = result["tools"]
    print()
    print(
        "|      N |    MB | build s | build MB/s | peak MB | quantulum3 s (est.) | ratio |"
        " dateparser s (est.) | ratio |"
    )
    print(
        "|-------:|------:|--------:|-----------:|--------:|--------------------:|------:|"
        "--------------------:|------:|"
    )
    for n, b in sorted(result["builds"].items()):
        cells = [
            f"{n:>6}",
            f"{b['bytes'] / MB:5.1f}",
            f"{b['wall']:7.2f}",
            f"{b['mb_per_s']:10.2f}",
            f"{b['peak'] / MB:7.0f}",
        ]
        for name in ("quantulum3", "dateparser"):
            t = tools.get(name)
            if t:
                est = b["bytes"] / MB / t["mb_per_s"]
                cells += [f"{est:19.1f}", f"{est / b['wall']:5.1f}x"]
            else:
                cells += ["n/a", "n/a"]
        print("| " + " | ".join(cells) + " |")
    print()
    for key, text in TARGETS.items():
        verdict = result["verdicts"].get(key)
        if verdict is None:
            print(f"{'N/A ':5} {key}: {text} (not measured in this run)")
        else:
            print(f"{'PASS' if verdict[0] else 'FAIL':5} {key}: {verdict[1]} ({text})")
    load = result["machine"]["load_at_end"]
    print(
        f"load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (other processes "
        "on the machine slow every number above)"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[100, 1000, 10000],
        help="numbers of articles to build (default: 100 1000 10000)",
    )
    p.add_argument(
        "--compare-size",
        type=int,
        default=2000,
        help="N of the validate and rebuild comparisons (default 2000)",
    )
    p.add_argument(
        "--sample-articles",
        type=int,
        default=25,
        help="articles whose paragraphs quantulum3 and dateparser are timed on",
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each validator and of dateparser; the best counts (default 3)",
    )
    p.add_argument(
        "--python",
        "--validate-python",
        default=sys.executable,
        help="interpreter whose build-dataset (build and validate) and frictionless are "
        "timed: that of an environment with only the runtime dependencies "
        "(requirements.lock and the package, as the README installs them) is what users "
        "run; default: this one",
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="rounds of quantulum3 then a build of the largest N; the median round's "
        "ratio is the throughput verdict (default 5)",
    )
    p.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    p.add_argument("--keep", action="store_true", help="keep every built package")
    p.add_argument(
        "--skip-tools", action="store_true", help="do not time quantulum3 and dateparser"
    )
    p.add_argument("--json", type=Path, help="write every number to this file")
    args = p.parse_args(argv)
    temporary = args.work is None
    args.work = Path(tempfile.mkdtemp(prefix="acftu-bench-")) if temporary else args.work
    args.work.mkdir(parents=True, exist_ok=True)
    try:
        result = benchmark(args)
    finally:
        if temporary and not args.keep:
            shutil.rmtree(args.work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
