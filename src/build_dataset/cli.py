"""Command line: `build-dataset <command>` (also `python -m build_dataset`).

Exit codes: 0 success, 1 the data has problems (build failed, package invalid, packages
differ), 2 usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import traceback
from pathlib import Path

from build_dataset.errors import BuildFailed, Problem

ROOT_MARKERS = ("pyproject.toml", "sources")


def repo_root() -> Path:
    """The repository the command runs in: the nearest parent with sources/ and pyproject."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if all((folder / m).exists() for m in ROOT_MARKERS):
            return folder
    return here


def _add_build_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sources",
        type=Path,
        help="folder of *.txt and sources.csv (default: the repository's sources/)",
    )
    p.add_argument(
        "--annotations",
        type=Path,
        help="folder of annotation YAML files "
        "(default: 'annotations' beside the sources folder, if it exists)",
    )


def _sources(args) -> tuple[Path, Path | None]:
    sources = args.sources or repo_root() / "sources"
    if args.annotations is not None and not args.annotations.is_dir():
        # named explicitly: building without the curation would publish a poorer package
        raise BuildFailed(
            [Problem(str(args.annotations), None, "folder", "does not exist or is not a folder")]
        )
    annotations = args.annotations or sources.resolve().parent / "annotations"
    return sources, annotations if annotations.is_dir() else None


def cmd_build(args) -> int:
    from build_dataset.pipeline import build
    from build_dataset.progress import Progress

    sources, annotations = _sources(args)
    out = args.out or (repo_root() if args.sources is None else None)
    if out is None:
        print("build-dataset build: --out is required with --sources", file=sys.stderr)
        return 2
    with Progress("extracting", "articles") as progress:  # silent unless stderr is a tty
        result = build(sources, out, annotations, progress=progress, use_cache=not args.no_cache)
    if result.skipped:
        print(f"{out}: up to date (inputs and code unchanged, files intact)", file=sys.stderr)
    else:
        counts = ", ".join(f"{n} {t.num_rows}" for n, t in result.tables.items())
        print(f"built {out}: {counts}", file=sys.stderr)
    if result.uncurated:
        print(
            f"{result.uncurated} automatic candidates not yet curated (see `build-dataset audit`)",
            file=sys.stderr,
        )
    return 0


def cmd_audit(args) -> int:
    from build_dataset.pipeline import make_tables

    sources, annotations = _sources(args)
    _, audit = make_tables(sources, annotations)
    if args.format == "json":
        print(json.dumps(list(audit), indent=2, ensure_ascii=False))
    else:
        for a in audit:
            print(f"{a['article']}\t{a['table']}\t{a['start']}\t{a['evidence']!r}")
        print(
            f"{len(audit)} automatic candidates not covered or dismissed by an annotation",
            file=sys.stderr,
        )
    return 1 if audit and args.strict else 0


def cmd_validate(args) -> int:
    from build_dataset.check import validate_package

    problems = validate_package(args.package)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "valid": not problems,
                    "problems": [
                        {"file": p.file, "line": p.line, "field": p.field, "message": p.message}
                        for p in problems
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for p in problems:
            print(p)
        print(
            f"{args.package}: {'valid' if not problems else f'{len(problems)} problem(s)'}",
            file=sys.stderr,
        )
    return 1 if problems else 0


CORE_COMMANDS = ("build", "audit", "validate")


def parser(extras: bool = True) -> argparse.ArgumentParser:
    """The command line; `extras=False` leaves out the commands of other modules (their
    imports cost a build found up to date more than the build itself)."""
    p = argparse.ArgumentParser(prog="build-dataset", description=__doc__.splitlines()[0])
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    from build_dataset import __version__

    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command")

    b = sub.add_parser("build", help="build the package (default command)")
    _add_build_args(b)
    b.add_argument("--out", type=Path, help="output folder (default: the repository)")
    b.add_argument(
        "--no-cache", action="store_true", help="rebuild even when inputs and code are unchanged"
    )
    b.set_defaults(func=cmd_build)

    a = sub.add_parser("audit", help="list automatic candidates no annotation covers")
    _add_build_args(a)
    a.add_argument("--format", choices=("text", "json"), default="text")
    a.add_argument("--strict", action="store_true", help="exit 1 when anything is listed")
    a.set_defaults(func=cmd_audit)

    v = sub.add_parser("validate", help="check a published package folder")
    v.add_argument("package", nargs="?", type=Path, default=Path("."))
    v.add_argument("--format", choices=("text", "json"), default="text")
    v.set_defaults(func=cmd_validate)

    for extra in _extra_commands() if extras else ():
        extra(sub)
    for command in sub.choices.values():  # `--debug` also after the command
        with contextlib.suppress(argparse.ArgumentError):  # unless it has one already
            command.add_argument(
                "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
            )
    return p


def _extra_commands():
    """Commands defined in other stage modules (release: diff, release, verify, cite)."""
    try:
        from build_dataset.release import register
    except ImportError:
        return []
    return [register]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    words = [a for a in argv if not a.startswith("-")]
    core = bool(words) and words[0] in CORE_COMMANDS
    args = parser(extras=not core).parse_args(argv)
    if args.command is None:
        args = parser(extras=False).parse_args(["build", *argv])
    try:
        return args.func(args)
    except BuildFailed as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        print(
            f"build-dataset: {len(e.problems)} problem(s); nothing was published", file=sys.stderr
        )
        if args.debug:
            traceback.print_exc()
        return 1
    except KeyboardInterrupt:
        print("build-dataset: interrupted; nothing was published", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - the CLI's last resort: one line, no traceback
        if args.debug:
            raise
        print(
            f"build-dataset: internal error: {type(e).__name__}: {e} "
            "(run with --debug for the traceback)",
            file=sys.stderr,
        )
        return 1
