"""The benchmark's verdicts on the four targets of issue 8, from the numbers of a run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))  # benchmark.py imports make_corpus beside it
_spec = importlib.util.spec_from_file_location("benchmark", ROOT / "bench" / "benchmark.py")
benchmark = sys.modules.setdefault("benchmark", importlib.util.module_from_spec(_spec))
if not hasattr(benchmark, "verdicts"):  # dataclasses look their module up in sys.modules
    _spec.loader.exec_module(benchmark)

MB = benchmark.MB


def _result(ratios: list[float]) -> dict:
    run = {"wall": 10.0, "peak": 500 * MB, "returncode": 0}
    return {
        "builds": {10000: {"articles": 10000, "mb_per_s": 5.0, **run}, 2000: {**run}},
        "rounds": {
            "articles": 10000,
            "rounds": [{"ratio": r} for r in ratios],
            "median_ratio": sorted(ratios)[len(ratios) // 2],
        },
        "compare": {},
    }


def test_throughput_is_judged_on_the_median_round():
    passed, text = benchmark.verdicts(_result([95.0, 104.0, 101.0]), None)["throughput"]
    assert passed and text.startswith("101.0x at N=10000, the median of 3 rounds")
    passed, text = benchmark.verdicts(_result([99.0, 130.0, 97.0]), None)["throughput"]
    assert not passed and "99.0x" in text


def test_rounds_compute_the_median_of_paired_ratios(tmp_path, monkeypatch):
    """Each round pairs one quantulum3 pass with the build that follows it."""
    speeds = iter([0.05, 0.10, 0.04])  # MB/s of quantulum3 in rounds 1-3
    walls = iter([10.0, 5.0, 20.0])  # seconds of the builds that follow

    class FakeQuantulum:
        def __init__(self, sample):
            self.seconds = []

        def run(self):
            self.seconds.append(1.0)
            return next(speeds)

        def speed(self):
            return {"runs": self.seconds}

    def fake_child(cmd, log, cwd=None, pss=True):
        assert not pss  # the rounds' builds are timed without the memory sampling
        return benchmark.Run(next(walls), 1.0, 0, None, 0, 0.0)

    monkeypatch.setattr(benchmark, "Quantulum", FakeQuantulum)
    monkeypatch.setattr(benchmark, "run_child", fake_child)
    monkeypatch.setattr(benchmark, "corpus_bytes", lambda corpus: 50 * MB)

    class Args:
        rounds, work, python = 3, tmp_path, "python"

    got = benchmark.throughput_rounds(Args, [], 10000, tmp_path)
    # 5 MB/s / 0.05 = 100x, 10 / 0.10 = 100x, 2.5 / 0.04 = 62.5x
    assert [round(r["ratio"], 1) for r in got["rounds"]] == [100.0, 100.0, 62.5]
    assert got["median_ratio"] == 100.0


def test_run_child_samples_the_tree_only_when_asked(tmp_path):
    """The rounds' builds run without the PSS readings (they cost the build CPU)."""
    cmd = [sys.executable, "-c", "import time; time.sleep(0.3)"]
    sampled = benchmark.run_child(cmd, tmp_path / "a.log")
    quiet = benchmark.run_child(cmd, tmp_path / "b.log", pss=False)
    assert sampled.tree_pss and sampled.tree_pss > 0 and sampled.returncode == 0
    assert quiet.tree_pss is None and quiet.max_rss > 0 and quiet.returncode == 0
