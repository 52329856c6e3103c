"""`python bench/compare.py --against DIR [--pages N] [--refs M] [--repeat K] [--jobs J]
[--clean-only]`: the benchmark's builds on two checkouts of the project, for the A/B of one
speed-up.

The benchmark (run.py) prints what each build costs; whether one optimisation pays is a
difference between two checkouts, this one (A) and `--against` (B: usually the same commit
with the optimisation taken out). Each checkout writes the same seeded corpus (corpus.py), whose
conf.py loads that checkout's configuration and extension, and the two are built in turns (A, B,
A, B...) so that a slower minute of a shared machine falls on both alike:

  clean -j 1 (--repeat times, each from an empty output folder), then on one output folder a
  no-op rebuild and a rebuild after editing one page's text, each --repeat times
  (`--jobs J`: every build with -j J; `--clean-only`: the clean builds alone).

Prints, for each kind of build, every run's wall seconds, the medians and B's median over A's;
then the same for CPU seconds (user + system, the build's and its child processes'), which
vary less than wall seconds when other work shares the machine.
"""

from __future__ import annotations

import argparse
import runpy
import shutil
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import build, edit_text  # noqa: E402


def write_corpus(checkout: Path, pages: int, refs: int, target: Path):
    """The seeded corpus as `checkout`'s corpus.py writes it (its conf.py loads that checkout)."""
    corpus = runpy.run_path(str(checkout / "bench" / "corpus.py"))["Corpus"](pages, refs)
    corpus.write(target, "kb")
    shutil.copy(checkout / "bench" / "probe.py", target / "probe.py")
    return corpus


def compare(a: Path, b: Path, pages: int, refs: int, repeat: int, workdir: Path,
            jobs: int = 1, clean_only: bool = False) -> str:
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    log = workdir / "build.log"
    sides = {"A": a, "B": b}
    corpora = {name: write_corpus(checkout, pages, refs, workdir / name)
               for name, checkout in sides.items()}
    seconds: dict[str, dict[str, list[float]]] = {}
    cpu: dict[str, dict[str, list[float]]] = {}

    def timed(step: str, name: str, out: str) -> None:
        result = build(f"{name}: {step}", workdir / name, workdir / out, jobs, log)
        seconds.setdefault(step, {}).setdefault(name, []).append(result.seconds)
        cpu.setdefault(step, {}).setdefault(name, []).append(result.cpu_seconds)

    for n in range(repeat):
        for name in sides:
            shutil.rmtree(workdir / f"{name}-clean", ignore_errors=True)
            shutil.rmtree(workdir / f"{name}-clean-doctrees", ignore_errors=True)
            timed(f"clean -j {jobs}", name, f"{name}-clean")
    for step, edit in () if clean_only else (("no-op", None), ("text edit", edit_text)):
        for n in range(repeat):
            for name in sides:
                if edit is not None:
                    edit(corpora[name], workdir / name)
                timed(step, name, f"{name}-clean")
    lines = [f"A: {a}", f"B: {b}", f"{pages:,} pages, {refs:,} references, {repeat} runs each"]
    for title, table in (("wall seconds", seconds), ("CPU seconds", cpu)):
        lines += ["", f"| build ({title}) | A runs | B runs | A median | B median | B / A |",
                  "| --- | --- | --- | ---: | ---: | ---: |"]
        for step, runs in table.items():
            ma, mb = statistics.median(runs["A"]), statistics.median(runs["B"])
            lines.append(f"| {step} | {', '.join(f'{s:.2f}' for s in runs['A'])} "
                         f"| {', '.join(f'{s:.2f}' for s in runs['B'])} "
                         f"| {ma:.2f} | {mb:.2f} | {mb / ma:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/compare.py", description=__doc__.split("\n")[0])
    parser.add_argument("--against", type=Path, required=True, help="the other checkout (B)")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--refs", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1, help="-j of every build (default 1)")
    parser.add_argument("--clean-only", action="store_true", help="the clean builds alone")
    parser.add_argument("--workdir", type=Path, default=HERE.parent / "_build" / "compare")
    args = parser.parse_args(argv)
    print(compare(HERE.parent, args.against.resolve(), args.pages, args.refs, args.repeat,
                  args.workdir.resolve(), args.jobs, args.clean_only), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
