"""Diff two package folders: what changed between two versions of the data.

Schema changes come from the two descriptors (tables and columns added or removed, types,
enums, keys, descriptions); rows are matched by primary key with one full outer join per
table over Arrow, and the matched rows are compared column by column with Arrow kernels.

Every change carries a level, the smallest version bump that may publish it (README,
"Versions and releases"): `major` breaks a reader (a table or column removed or renamed, a
type changed, an enum narrowed, a key changed), `minor` adds (tables, columns, rows, enum
values), `patch` corrects (values changed, wrong rows removed, descriptions reworded).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

LEVELS = ("none", "patch", "minor", "major")
IGNORED_METADATA = {"version", "created", "resources"}  # change with every release
MAJOR_METADATA = {"licenses"}
SHOW = 10  # keys listed per table and kind in the text report


class DiffError(Exception):
    """A folder is not a readable package (usage error, exit 2)."""


def top(levels) -> str:
    return max(levels, key=LEVELS.index, default="none")


@dataclass(frozen=True)
class Change:
    """A change of the package's metadata or of a table's schema."""

    level: str
    table: str | None
    column: str | None
    what: str

    def __str__(self) -> str:
        where = ".".join(x for x in (self.table, self.column) if x) or "package"
        return f"{where}: {self.what}"


@dataclass
class TableDiff:
    """Rows of one table: keys added and removed, matched rows whose values changed."""

    table: str
    rows_old: int | None  # None: the table is not in that package
    rows_new: int | None
    added: list = field(default_factory=list)  # primary key values
    removed: list = field(default_factory=list)
    changed: list[tuple[object, list[str]]] = field(default_factory=list)  # (key, columns)
    changed_columns: dict[str, int] = field(default_factory=dict)
    note: str | None = None

    @property
    def level(self) -> str:
        if self.added and self.rows_old is not None:
            return "minor"
        return "patch" if self.removed or self.changed else "none"

    def summary(self) -> str:
        cols = ", ".join(f"{c} {n}" for c, n in self.changed_columns.items())
        return (
            f"{self.table}: {self.rows_old or 0} -> {self.rows_new or 0} rows: "
            f"{len(self.added)} added, {len(self.removed)} removed, "
            f"{len(self.changed)} changed" + (f" ({cols})" if cols else "")
        )


@dataclass
class PackageDiff:
    old: str
    new: str
    changes: list[Change]
    tables: list[TableDiff]

    @property
    def identical(self) -> bool:
        return not self.changes and not any(t.level != "none" for t in self.tables)

    @property
    def level(self) -> str:
        return top([c.level for c in self.changes] + [t.level for t in self.tables])

    def reasons(self, level: str) -> list[str]:
        """What in the diff requires `level`."""
        out = [str(c) for c in self.changes if c.level == level]
        for t in self.tables:
            if t.level == level and t.rows_old is not None:
                out.append(t.summary())
        return out

    def to_json(self) -> dict:
        return {
            "old": self.old,
            "new": self.new,
            "identical": self.identical,
            "level": self.level,
            "changes": [
                {"level": c.level, "table": c.table, "column": c.column, "what": c.what}
                for c in self.changes
            ],
            "tables": {
                t.table: {
                    "rows_old": t.rows_old,
                    "rows_new": t.rows_new,
                    "added": t.added,
                    "removed": t.removed,
                    "changed": [{"key": k, "columns": cols} for k, cols in t.changed],
                    "changed_columns": t.changed_columns,
                    "note": t.note,
                }
                for t in self.tables
            },
        }

    def to_text(self) -> str:
        lines = [f"{self.old} -> {self.new}"]
        lines += [f"{c} [{c.level}]" for c in self.changes]
        for t in self.tables:
            if t.level == "none" and t.note is None:
                continue
            lines.append(t.summary() + (f"; {t.note}" if t.note else ""))
            listed = (
                ("added", t.added),
                ("removed", t.removed),
                ("changed", [f"{_key_text(k)} ({', '.join(c)})" for k, c in t.changed]),
            )
            for kind, keys in listed:
                if keys:
                    more = f" ... and {len(keys) - SHOW} more" if len(keys) > SHOW else ""
                    lines.append(f"  {kind}: " + "; ".join(map(_key_text, keys[:SHOW])) + more)
        if self.identical:
            lines.append("identical")
        else:
            lines.append(f"different; the smallest version bump that may publish it: {self.level}")
        return "\n".join(lines)


def _key_text(key) -> str:
    return ", ".join(map(str, key)) if isinstance(key, list) else str(key)


# ---------------------------------------------------------------- packages


@dataclass
class Package:
    """A package folder (or `None`: the empty package before a first release)."""

    folder: Path | None
    descriptor: dict

    @classmethod
    def load(cls, folder: Path | None) -> Package:
        if folder is None:
            return cls(None, {"resources": []})
        path = Path(folder) / "datapackage.json"
        try:
            return cls(Path(folder), json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise DiffError(f"{folder}: no datapackage.json") from None
        except ValueError as e:
            raise DiffError(f"{path}: not valid JSON: {e}") from None

    @property
    def resources(self) -> dict[str, dict]:
        return {r["name"]: r for r in self.descriptor.get("resources", [])}

    def table(self, name: str) -> pa.Table:
        res = self.resources[name]
        rel = (res.get("parquet") or {}).get("path")
        if not rel:
            raise DiffError(f"{self.folder}: resource {name} has no Parquet file")
        try:
            return pq.read_table(self.folder / rel)
        except (OSError, pa.ArrowInvalid) as e:
            raise DiffError(f"{self.folder / rel}: unreadable: {e}") from None


def diff_packages(old_folder: Path | None, new_folder: Path) -> PackageDiff:
    """Compare two package folders; `old_folder=None` means there was no earlier release."""
    old, new = Package.load(old_folder), Package.load(new_folder)
    changes = _metadata_changes(old.descriptor, new.descriptor) if old.folder else []
    tables = []
    olds, news = old.resources, new.resources
    for name in [*news, *(n for n in olds if n not in news)]:
        if name not in olds:
            changes.append(Change("minor", name, None, "table added"))
            t = new.table(name)
            tables.append(
                TableDiff(
                    name,
                    None,
                    t.num_rows,
                    added=_keys(t, pa.array(range(t.num_rows), pa.int64()), _pk(news[name])),
                )
            )
        elif name not in news:
            changes.append(Change("major", name, None, "table removed"))
            tables.append(TableDiff(name, old.table(name).num_rows, None))
        else:
            o, n = olds[name], news[name]
            changes += schema_changes(name, o.get("schema", {}), n.get("schema", {}))
            changes += [
                Change("patch", name, None, f"{k} changed")
                for k in ("title", "description")
                if o.get(k) != n.get(k)
            ]
            tdiff = row_diff(name, old.table(name), new.table(name), o["schema"], n["schema"])
            tables.append(tdiff)
            if tdiff.level == "none" and not _same_files(o, n):
                changes.append(Change("patch", name, None, "files differ, rows are equal"))
    return PackageDiff(str(old_folder or "(no earlier release)"), str(new_folder), changes, tables)


def _pk(res: dict) -> list[str]:
    key = res.get("schema", {}).get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)


def _same_files(old: dict, new: dict) -> bool:
    return old.get("hash") == new.get("hash") and (old.get("parquet") or {}).get("hash") == (
        new.get("parquet") or {}
    ).get("hash")


def _metadata_changes(old: dict, new: dict) -> list[Change]:
    out = []
    for k in sorted(set(old) | set(new)):
        if old.get(k) != new.get(k):
            if k in IGNORED_METADATA - {"resources"}:
                out.append(Change("none", None, None, f"{k} {old.get(k)} -> {new.get(k)}"))
            elif k not in IGNORED_METADATA:
                level = "major" if k in MAJOR_METADATA else "patch"
                out.append(Change(level, None, None, f"{k} changed"))
    return out


# ---------------------------------------------------------------- schema


def schema_changes(table: str, old: dict, new: dict) -> list[Change]:
    """Changes between two Table Schemas, each with its level."""
    ofields = {f["name"]: f for f in old.get("fields", [])}
    nfields = {f["name"]: f for f in new.get("fields", [])}
    out = [Change("major", table, c, "column removed") for c in ofields if c not in nfields]
    out += [Change("minor", table, c, "column added") for c in nfields if c not in ofields]
    if [c for c in ofields if c in nfields] != [c for c in nfields if c in ofields]:
        out.append(Change("major", table, None, "columns reordered"))
    for c in (c for c in nfields if c in ofields):
        out += _field_changes(table, c, ofields[c], nfields[c])
    if old.get("primaryKey") != new.get("primaryKey"):
        out.append(
            Change(
                "major",
                table,
                None,
                f"primary key {old.get('primaryKey')} -> {new.get('primaryKey')}",
            )
        )
    if old.get("foreignKeys", []) != new.get("foreignKeys", []):
        out.append(Change("minor", table, None, "foreign keys changed"))
    return out


def _field_changes(table: str, column: str, old: dict, new: dict) -> list[Change]:
    out = []

    def add(level, what):
        out.append(Change(level, table, column, what))

    otype, ntype = (old.get("type"), old.get("format")), (new.get("type"), new.get("format"))
    if otype != ntype:
        add("major", f"type {old.get('type')} -> {new.get('type')}")
    oc, nc = dict(old.get("constraints", {})), dict(new.get("constraints", {}))
    oenum, nenum = oc.pop("enum", None), nc.pop("enum", None)
    if oenum != nenum:
        gone = [v for v in oenum or [] if v not in (nenum or [])]
        added = [v for v in nenum or [] if v not in (oenum or [])]
        if oenum is None:
            add("major", "now restricted to an enum")
        elif nenum is None:
            add("minor", "enum constraint dropped")
        elif gone:
            add("major", f"enum values removed: {gone}")
        if oenum is not None and nenum is not None and added:
            add("minor", f"enum values added: {added}")
        if oenum is not None and nenum is not None and not gone and not added:
            add("patch", "enum values reordered")
    oreq, nreq = oc.pop("required", False), nc.pop("required", False)
    if oreq and not nreq:
        add("major", "no longer required: values may be missing")
    elif nreq and not oreq:
        add("minor", "now required")
    if oc != nc:
        add("major", f"constraints {oc} -> {nc}")
    if old.get("description") != new.get("description"):
        add("patch", "description changed")
    return out


# ---------------------------------------------------------------- rows


def _comparable(col: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.cast(col, pa.string()) if pa.types.is_dictionary(col.type) else col


def _differs(a: pa.ChunkedArray, b: pa.ChunkedArray) -> pa.ChunkedArray:
    """Row-wise: the values differ (a missing value differs from any present one)."""
    if pa.types.is_list(a.type) or pa.types.is_large_list(a.type):
        return pc.or_(
            _differs(pc.binary_join(a, "\x1f"), pc.binary_join(b, "\x1f")),
            _differs(pc.list_value_length(a), pc.list_value_length(b)),
        )
    a, b = _comparable(a), _comparable(b)
    return pc.or_(pc.fill_null(pc.not_equal(a, b), False), pc.xor(pc.is_null(a), pc.is_null(b)))


def _keys(table: pa.Table, indices, key: list[str]) -> list:
    rows = table.select(key).take(indices).to_pylist()
    out = [[_plain(r[k]) for k in key] for r in rows]
    return [k[0] for k in out] if len(key) == 1 else out


def _plain(v):
    return v if v is None or isinstance(v, (str, int, float, bool)) else str(v)


def _unmatched(mine: pa.ChunkedArray, other: pa.ChunkedArray) -> pa.Array:
    """Sorted row indices of one side of a full outer join that found no partner."""
    idx = pc.filter(mine, pc.is_null(other))
    return pc.take(idx, pc.sort_indices(idx))


def _key_table(table: pa.Table, key: list[str], index: str) -> pa.Table:
    cols = {k: pc.cast(table.column(k), pa.string()) for k in key}  # same types both sides
    return pa.table({**cols, index: pa.array(range(table.num_rows), pa.int64())})


def row_diff(
    name: str, old: pa.Table, new: pa.Table, old_schema: dict, new_schema: dict
) -> TableDiff:
    """Rows added, removed and changed, matched by the new schema's primary key."""
    result = TableDiff(name, old.num_rows, new.num_rows)
    key = _pk({"schema": new_schema})
    if key != _pk({"schema": old_schema}) or not all(
        k in old.column_names and k in new.column_names for k in key
    ):
        result.note = "rows not matched: the primary key changed"
        return result
    left, right = _key_table(old, key, "__old"), _key_table(new, key, "__new")
    joined = left.join(right, keys=key, join_type="full outer")
    o, n = joined.column("__old"), joined.column("__new")
    result.removed = _keys(old, _unmatched(o, n), key)
    result.added = _keys(new, _unmatched(n, o), key)
    both = joined.filter(pc.and_(pc.is_valid(o), pc.is_valid(n))).sort_by("__new")
    oi, ni = both.column("__old"), both.column("__new")
    otypes = {f["name"]: f.get("type") for f in old_schema.get("fields", [])}
    ntypes = {f["name"]: f.get("type") for f in new_schema.get("fields", [])}
    columns = [
        c
        for c in new.column_names
        if c not in key and c in old.column_names and otypes.get(c) == ntypes.get(c)
    ]
    changed_cols: dict[int, list[str]] = {}
    for c in columns:
        mask = _differs(old.column(c).take(oi), new.column(c).take(ni))
        rows = pc.indices_nonzero(mask.combine_chunks()).to_pylist() if len(mask) else []
        if rows:
            result.changed_columns[c] = len(rows)
            for r in rows:
                changed_cols.setdefault(r, []).append(c)
    rows = sorted(changed_cols)
    keys = _keys(new, pc.take(ni, pa.array(rows, pa.int64())), key) if rows else []
    result.changed = [(k, changed_cols[r]) for k, r in zip(keys, rows, strict=True)]
    return result


# ---------------------------------------------------------------- command


def cmd_diff(args) -> int:
    try:
        result = diff_packages(args.old, args.new)
    except DiffError as e:
        print(f"build-dataset diff: {e}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False, default=str))
    else:
        print(result.to_text())
    return 0 if result.identical else 1


def add_command(sub) -> None:
    d = sub.add_parser("diff", help="compare two package folders (exit 0 identical, 1 different)")
    d.add_argument("old", type=Path, help="the earlier package folder")
    d.add_argument("new", type=Path, help="the later package folder")
    d.add_argument("--format", choices=("text", "json"), default="text")
    d.set_defaults(func=cmd_diff)
