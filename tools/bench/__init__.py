"""The benchmark suite behind `make bench`: each figure measures ours and a baseline in the
same run, on a database filled with synthetic incidents (never the development database).

A figure is a `Row`: what was measured, our time, the baseline's, their ratio and the target.
"""
import statistics
import time
from dataclasses import dataclass, field


def timed(fn, repeat: int, warmup: int = 1) -> list[float]:
    """Seconds of each of `repeat` calls after `warmup` unmeasured ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def p50(times: list[float]) -> float:
    return statistics.median(times)


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


@dataclass
class Row:
    figure: str
    what: str
    ours: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    met: bool | None = None
    notes: list[str] = field(default_factory=list)

    def cells(self) -> list[str]:
        verdict = "" if self.met is None else ("yes" if self.met else "**no**")
        return [self.figure, self.what, self.ours, self.baseline, self.ratio, self.target, verdict]


HEADER = ["fig.", "measured", "ours", "baseline", "baseline / ours", "target", "met"]


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)
