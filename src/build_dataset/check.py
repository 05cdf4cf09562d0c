"""Check: the package's integrity rules, over Arrow tables.

Primary keys unique and non-null, foreign keys resolve, enum values in their vocabulary,
required columns non-null, and every span reproduces its text. Used inside the build
(before anything is published) and by `build-dataset validate` on a published copy.
Each problem names the table, the row (1-based, as in the CSV after its header) and the
column.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.compute as pc

from build_dataset.errors import Problem
from build_dataset.models import BY_NAME, Table
from build_dataset.schema import columns

MAX_PER_RULE = 20  # problems reported per table and rule; the rest are counted
GATHER_BYTES = 1 << 20  # span bytes compared at a time (about 40 bytes held per byte)


def _problem(table: str, rows: list[int], column: str, message: str, total: int) -> list[Problem]:
    out = [Problem(f"data/{table}.csv", r + 2, column, message) for r in rows[:MAX_PER_RULE]]
    if total > MAX_PER_RULE:
        out.append(
            Problem(
                f"data/{table}.csv", None, column, f"{total - MAX_PER_RULE} more rows: {message}"
            )
        )
    return out


def _rows(mask: pa.Array) -> list[int]:
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()


def check_tables(tables: dict[str, pa.Table], threads: int | None = None) -> list[Problem]:
    """Every rule on every table; the problems reported in table order. The tables are
    checked in `threads` threads (default: one per core; Arrow's kernels let go of the
    GIL): faster, but each thread's allocations add to the peak memory."""
    problems: list[Problem] = []
    present = [m for m in BY_NAME.values() if m.table_name in tables]
    texts = ArticleTexts(tables["articles"]) if "articles" in tables else None
    with ThreadPoolExecutor(max_workers=threads or os.cpu_count() or 1) as pool:
        found = dict(
            zip(
                present,
                pool.map(lambda m: _check_table(m, tables[m.table_name], tables, texts), present),
                strict=True,
            )
        )
    for model in BY_NAME.values():
        if model in found:
            problems += found[model]
        else:
            problems.append(Problem(f"data/{model.table_name}.csv", None, "table", "missing"))
    return problems


def _check_table(
    model: type[Table],
    table: pa.Table,
    tables: dict[str, pa.Table],
    texts: ArticleTexts | None = None,
) -> list[Problem]:
    name = model.table_name
    problems: list[Problem] = []
    cols = columns(model)
    have = table.column_names
    want = [c.name for c in cols]
    if have != want:
        return [Problem(f"data/{name}.csv", 1, "columns", f"expected {want}, found {have}")]
    for c in cols:
        col = table.column(c.name)
        if c.required and col.null_count:
            rows = _rows(pc.is_null(col))
            problems += _problem(name, rows, c.name, "required value missing", len(rows))
        if c.enum:
            bad = pc.invert(pc.is_in(pc.cast(col, pa.string()), value_set=pa.array(c.enum)))
            rows = _rows(pc.and_(bad, pc.is_valid(col)))
            problems += _problem(name, rows, c.name, f"not one of {list(c.enum)}", len(rows))
        if c.minimum is not None:
            rows = _rows(pc.less(col, c.minimum))
            problems += _problem(name, rows, c.name, f"below {c.minimum}", len(rows))
    problems += _check_primary_key(model, table)
    # foreign keys
    for local, target, remote in model.foreign_keys:
        (lcol,), (rcol,) = local, remote
        if target not in tables:
            continue
        values = pc.cast(table.column(lcol), pa.string())
        allowed = pc.cast(tables[target].column(rcol), pa.string())
        missing = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=allowed)))
        rows = _rows(missing)
        for r in rows[:MAX_PER_RULE]:
            problems.append(
                Problem(
                    f"data/{name}.csv",
                    r + 2,
                    lcol,
                    f"{values[r].as_py()!r} not found in {target}.{rcol}",
                )
            )
        if len(rows) > MAX_PER_RULE:
            problems.append(
                Problem(
                    f"data/{name}.csv",
                    None,
                    lcol,
                    f"{len(rows) - MAX_PER_RULE} more unresolved references",
                )
            )
    if model.span_text_column and "articles" in tables:
        problems += _check_spans(model, table, texts or ArticleTexts(tables["articles"]))
    return problems


def _check_primary_key(model: type[Table], table: pa.Table) -> list[Problem]:
    """Each key that more than one row has. A table whose keys increase row by row (the
    build's tables are sorted by key, and so is a published package) has none, which a
    pairwise comparison shows at a few percent of the cost of counting the rows of every
    key (0.1 s at 10,000 articles); only otherwise are they counted, to name them."""
    key = list(model.primary_key)
    if in_key_order(table, model.primary_key, strict=True):
        return []
    counts = table.group_by(key).aggregate([([], "count_all")])
    dup = counts.filter(pc.greater(counts["count_all"], 1))
    problems = []
    for row in dup.slice(0, MAX_PER_RULE).to_pylist():
        values = ", ".join(f"{k}={row[k]!r}" for k in key)
        problems.append(
            Problem(
                f"data/{model.table_name}.csv",
                None,
                ",".join(key),
                f"primary key {values} is not unique ({row['count_all']} rows)",
            )
        )
    return problems


def in_key_order(table: pa.Table, key: tuple[str, ...], strict: bool = False) -> bool:
    """Whether the rows are already in the order a stable sort by `key` gives, checked
    pairwise in Arrow, much faster than sorting (assemble sorts a table only if not: its
    parts made in article order often are, the articles, the paragraphs). `strict`:
    whether each row's key is also above the one before it, so that no two rows share a
    key (the primary-key rule). A key with missing or enum values is not checked (False)."""
    n = table.num_rows
    if n < 2:
        return True
    in_order = None  # row i goes before row i + 1 on the key columns from k on
    for k in reversed(key):
        col = table.column(k)
        if col.null_count or pa.types.is_dictionary(col.type):
            return False
        a, b = col.slice(0, n - 1), col.slice(1)
        if in_order is None:  # the last column: equal rows keep their order, unless strict
            in_order = pc.less(a, b) if strict else pc.less_equal(a, b)
        else:
            in_order = pc.or_(pc.less(a, b), pc.and_(pc.equal(a, b), in_order))
    return pc.all(in_order).as_py()


def _check_spans(model: type[Table], table: pa.Table, articles: ArticleTexts) -> list[Problem]:
    """[char_start, char_end) of `articles.text` must equal the span column, for every row
    whose article exists (rows of unknown articles are the foreign-key rule's)."""
    name, column = model.table_name, model.span_text_column
    start, end = table.column("char_start"), table.column("char_end")
    rows = _rows(pc.greater(start, end))
    problems = _problem(name, rows, "char_end", "char_end before char_start", len(rows))
    as_long = pc.equal(pc.utf8_length(table.column(column)), pc.subtract(end, start))
    rows = _rows(pc.invert(as_long))
    problems += _problem(name, rows, column, "length differs from char_end - char_start", len(rows))
    spans = table.column("article_id"), start, end, table.column(column)
    bad = _rows(span_mismatches(articles, *spans, as_long=as_long))
    problems += _problem(
        name, bad, column, "articles.text[char_start:char_end] does not reproduce it", len(bad)
    )
    return problems


class ArticleTexts:
    """The texts of the articles table laid out for span lookups, computed once for all
    the tables that point into them: the UTF-8 buffer, each text's byte offset, and where
    code points and bytes part (the positions of the few multi-byte characters)."""

    def __init__(self, articles: pa.Table):
        self.num_rows = articles.num_rows
        self.ids = pc.cast(articles.column("article_id"), pa.string())
        text = _array(articles.column("text"))
        self.offsets, self.u8 = _utf8_buffers(text)  # byte position of each text in u8
        if self.num_rows == 0:
            return
        # multi-byte characters: extra bytes (1-3) and code point index in the buffer
        lead = _lead_bytes(self.u8)
        lead_byte = pc.take(self.u8, lead)
        self.extra = pc.add(
            pc.add(
                _int(pc.greater_equal(lead_byte, 0xE0)), _int(pc.greater_equal(lead_byte, 0xF0))
            ),
            1,
        )
        self.lead_cp = pc.subtract(lead, pc.subtract(pc.cumulative_sum(self.extra), self.extra))
        # code point index in the buffer of each article's first character
        first = self.offsets[0].as_py()
        continuation = pc.equal(pc.bit_wise_and(self.u8.slice(0, first), 0xC0), 0x80)
        head_cp = first - (pc.sum(continuation).as_py() or 0)
        self.cp_len = _int(pc.utf8_length(text))
        self.base_cp = pc.add(pc.subtract(pc.cumulative_sum(self.cp_len), self.cp_len), head_cp)


def span_mismatches(articles, article_id, start, end, span, as_long=None) -> pa.Array:
    """True where `articles.text[start:end]` (code points) is not `span`, null where the
    article is unknown; `articles` is the articles table or its ArticleTexts. `as_long`:
    where the span is as long as end - start, if known (the check has it). Vectorised
    over the UTF-8 bytes of the texts: code points become byte offsets through the
    positions of the few multi-byte characters (a merge by sort), and the bytes of every
    span are gathered at once (`_same_bytes`) by cutting the texts' bytes at the spans'
    ends, or through a list view over them where spans overlap. Besides the tables, it
    holds about one copy of the span column's bytes.
    """
    texts = articles if isinstance(articles, ArticleTexts) else ArticleTexts(articles)
    article_id, start, end, span = (_array(c) for c in (article_id, start, end, span))
    n_rows = len(span)
    index = pc.index_in(pc.cast(article_id, pa.string()), value_set=texts.ids)
    known = pc.is_valid(index)
    if texts.num_rows == 0 or n_rows == 0:
        return pc.if_else(known, False, pa.scalar(None, pa.bool_()))
    index = pc.fill_null(index, 0)
    offsets, u8, cp_len = texts.offsets, texts.u8, texts.cp_len
    # rows whose span can be looked up: inside their article, and as long as it says
    start, end = pc.cast(start, pa.int64()), pc.cast(end, pa.int64())
    if as_long is None:
        as_long = pc.equal(_int(pc.utf8_length(span)), pc.subtract(end, start))
    ok = pc.and_(
        pc.and_(pc.greater_equal(start, 0), pc.less_equal(start, end)),
        pc.and_(
            pc.less_equal(end, pc.take(cp_len, index)),
            _array(as_long),
        ),
    )
    ok = pc.and_(known, pc.fill_null(ok, False))
    query = pc.if_else(ok, pc.add(pc.take(texts.base_cp, index), start), 0)
    byte_start = pc.add(query, _sum_before(texts.lead_cp, texts.extra, query))
    sizes = pc.if_else(ok, _int(pc.binary_length(span)), 0)
    ok = pc.and_(
        ok, pc.less_equal(pc.add(byte_start, sizes), pc.take(offsets.slice(1), index))
    )  # not past the article
    sizes = pc.if_else(ok, sizes, 0)
    # compare with the bytes at those places, a few megabytes of rows at a time
    total = pc.sum(sizes).as_py() or 0
    step = max(1, n_rows * GATHER_BYTES // max(total, 1))
    same = pa.concat_arrays(
        [
            _same_bytes(u8, byte_start.slice(i, step), sizes.slice(i, step), span.slice(i, step))
            for i in range(0, n_rows, step)
        ]
    )
    same = pc.and_(ok, same)
    return pc.if_else(known, pc.invert(same), pa.scalar(None, pa.bool_()))


def _same_bytes(u8: pa.Array, starts: pa.Array, sizes: pa.Array, span: pa.Array) -> pa.Array:
    """Whether u8[start:start + size] is the span's bytes, row by row (vectorised: spans
    that do not overlap are taken from u8 cut at their ends, `_disjoint_spans`; else a list
    view over the texts' bytes, one view per row, is flattened into the rows' bytes, laid
    out as a string array of the span's type and compared with it). Called a few
    megabytes of rows at a time: flattening holds one copy of the gathered bytes. Gathering
    them by a `take` of each byte's position does the same six times slower."""
    # an empty view may point anywhere: at 0; both arrays made anew (a view array takes
    # its offsets and sizes from arrays that begin at the same place)
    some = pc.greater(sizes, 0)
    starts, sizes = pc.if_else(some, starts, 0), pc.if_else(some, sizes, 0)
    large = pa.types.is_large_string(span.type)
    as_bytes = pa.large_binary() if large else pa.binary()
    found = _disjoint_spans(u8, starts, sizes)
    if found is not None:
        return pc.fill_null(pc.equal(found, span.view(as_bytes).cast(pa.large_binary())), False)
    gathered = pa.LargeListViewArray.from_arrays(starts, sizes, u8).flatten()
    offsets = pa.concat_arrays([pa.array([0], pa.int64()), pc.cumulative_sum(sizes)])
    offsets = pc.cast(offsets, pa.int64() if large else pa.int32())
    data = gathered.buffers()[1]  # flatten may return a slice of the texts' buffer
    data = data.slice(gathered.offset, len(gathered)) if data else pa.py_buffer(b"")
    found = pa.Array.from_buffers(span.type, len(span), [None, offsets.buffers()[1], data])
    return pc.fill_null(pc.equal(found.view(as_bytes), span.view(as_bytes)), False)


def _disjoint_spans(u8: pa.Array, starts: pa.Array, sizes: pa.Array) -> pa.Array | None:
    """u8[start:start + size] of each row as large_binary, if no two spans overlap (else
    None): the spans, in the order they start, then cut u8 into gap, span, gap, span...,
    a binary array over u8's own bytes, from which each row's span is taken. The
    flattening of a list view (`_same_bytes`) costs about a microsecond a row; this,
    a sort and two takes, a few times less (at 10,000 articles: paragraphs, mentions)."""
    n = len(starts)
    order = pc.sort_indices(starts)
    begin = pc.take(starts, order)
    end = pc.add(begin, pc.take(sizes, order))
    if n and pc.max(end).as_py() > len(u8):
        return None
    # disjoint: each span starts at or after the end of every span that starts before it
    reached = pc.cumulative_max(end).slice(0, max(n - 1, 0))  # end of the spans so far
    if not pc.all(pc.greater_equal(begin.slice(1), reached), min_count=0).as_py():
        return None
    # begin[0] <= end[0] <= begin[1] <= end[1] ...: sorting both gives them interleaved
    cuts = pc.take(both := pa.concat_arrays([begin, end]), pc.sort_indices(both))
    offsets = pa.concat_arrays([pa.array([0], pa.int64()), cuts])
    data = u8.buffers()[1]
    data = data.slice(u8.offset, len(u8)) if data else pa.py_buffer(b"")
    pieces = pa.Array.from_buffers(pa.large_binary(), 2 * n, [None, offsets.buffers()[1], data])
    rank = pc.sort_indices(order)  # each row's place in the order of starts
    return pc.take(pieces, pc.add(pc.multiply(rank, 2), 1))


def _utf8_buffers(text: pa.Array) -> tuple[pa.Array, pa.Array]:
    """The byte offsets (int64, one more than rows) and the data buffer (uint8) of a
    string array, without copying the data."""
    _, offsets_buffer, data = text.buffers()
    width = pa.int64() if pa.types.is_large_string(text.type) else pa.int32()
    offsets = pa.Array.from_buffers(
        width, len(text) + 1, [None, offsets_buffer], offset=text.offset
    )
    u8 = pa.Array.from_buffers(pa.uint8(), data.size if data else 0, [None, data])
    return _int(offsets), u8


def _lead_bytes(u8: pa.Array, step: int = 1 << 18) -> pa.Array:
    """Positions of the first bytes of multi-byte characters, in order. The texts are
    mostly ASCII: the buffer is read as 8-byte words, and only the bytes of the words
    that hold a byte of 0x80 or more are compared with 0xC0 (at 10,000 articles 0.07 ->
    0.03 s). Two megabytes (`step` words) at a time: the positions of the bytes looked
    at take eight bytes each (a text of no ASCII: 16 MB). Compared with uint8 and uint64
    scalars: with a Python int, every value was first cast to int64."""
    # (u8 begins on a word: `_utf8_buffers` makes it over the whole buffer)
    n_words = len(u8) // 8 if u8.offset % 8 == 0 else 0
    words = pa.Array.from_buffers(
        pa.uint64(), n_words, [None, u8.buffers()[1]], offset=u8.offset // 8
    )
    high, zero = pa.scalar(0x8080808080808080, pa.uint64()), pa.scalar(0, pa.uint64())
    lead = pa.scalar(0xC0, pa.uint8())

    def leads(where: pa.Array) -> pa.Array:  # those of the bytes at `where`, in order
        found = pc.filter(where, pc.greater_equal(pc.take(u8, where), lead))
        return pc.take(found, pc.sort_indices(found))

    parts = []
    for pos in range(0, n_words, step):
        has_high = pc.not_equal(pc.bit_wise_and(words.slice(pos, step), high), zero)
        first = pc.multiply(pc.add(_int(pc.indices_nonzero(has_high)), pos), 8)
        parts.append(leads(pa.concat_arrays([pc.add(first, i) for i in range(8)])))
    parts.append(leads(pa.array(range(n_words * 8, len(u8)), pa.int64())))  # the rest
    return pa.concat_arrays(parts)


def _array(values) -> pa.Array:
    """One contiguous array (a column of one chunk is taken as it is, without a copy)."""
    if isinstance(values, pa.ChunkedArray):
        return values.chunk(0) if values.num_chunks == 1 else values.combine_chunks()
    return values


def _int(array) -> pa.Array:
    return pc.cast(array, pa.int64())


def _sum_before(keys: pa.Array, weights: pa.Array, queries: pa.Array) -> pa.Array:
    """For each query, the sum of the `weights` whose key is below it: a vectorised
    searchsorted, by sorting keys and queries together (a key equal to a query sorts
    after it, so it is not counted)."""
    nk, nq = len(keys), len(queries)
    merged = pa.record_batch(
        {
            "key": pa.concat_arrays([_int(keys), _int(queries)]),
            "is_key": pa.concat_arrays(
                [pa.nulls(nk, pa.int8()).fill_null(1), pa.nulls(nq, pa.int8()).fill_null(0)]
            ),
            "weight": pa.concat_arrays([_int(weights), pa.nulls(nq, pa.int64()).fill_null(0)]),
        }
    )
    order = pc.sort_indices(merged, sort_keys=[("key", "ascending"), ("is_key", "ascending")])
    running = pc.cumulative_sum(pc.take(merged.column("weight"), order))
    return pc.take(running, pc.sort_indices(order)).slice(nk)  # back in the merged order


# ---------------------------------------------------------------- a published package


def validate_package(folder) -> list[Problem]:
    """Check a package folder: descriptor, every file's bytes and sha256, the CSV and
    Parquet twins agree, schemas match the models, and every table rule above. The tables
    are checked in threads (hashing, Parquet and CSV let go of the GIL)."""
    import json
    from pathlib import Path

    folder = Path(folder)
    problems: list[Problem] = []
    try:
        desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [Problem("datapackage.json", None, "file", f"not found in {folder}")]
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        return [
            Problem("datapackage.json", getattr(e, "lineno", None), "file", f"not valid JSON: {e}")
        ]
    resources = {r.get("name"): r for r in desc.get("resources", [])}
    tables: dict[str, pa.Table] = {}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        checked = pool.map(
            lambda m: _check_resource(folder, m, resources.get(m.table_name)), BY_NAME.values()
        )
        for model, (found, table) in zip(BY_NAME.values(), checked, strict=True):
            problems += found
            if table is not None:
                tables[model.table_name] = table
    if len(tables) == len(BY_NAME):
        problems += check_tables(tables)
    return problems


def _check_resource(
    folder, model: type[Table], res: dict | None
) -> tuple[list[Problem], pa.Table | None]:
    """The files of one resource: problems, and its table if it can be checked further."""
    import pyarrow.parquet as pq

    from build_dataset.publish import sha256_file, write_csv
    from build_dataset.schema import arrow_schema, table_schema

    name = model.table_name
    if res is None:
        return [Problem("datapackage.json", None, f"resources.{name}", "missing")], None
    problems = []
    if res.get("schema") != table_schema(model):
        problems.append(
            Problem(
                "datapackage.json",
                None,
                f"resources.{name}.schema",
                "differs from the schema the models define",
            )
        )
    ok = True
    for entry in (res, res.get("parquet") or {}):
        rel = entry.get("path")
        if not rel:
            problems.append(
                Problem("datapackage.json", None, f"resources.{name}", "a file has no path")
            )
            ok = False
            continue
        path = folder / rel
        if not path.is_file():
            problems.append(Problem(rel, None, "file", "missing"))
            ok = False
            continue
        size, digest = path.stat().st_size, "sha256:" + sha256_file(path)
        if entry.get("bytes") != size:
            problems.append(
                Problem(
                    rel, None, "bytes", f"{size} bytes, the descriptor says {entry.get('bytes')}"
                )
            )
            ok = False
        if entry.get("hash") != digest:
            problems.append(
                Problem(rel, None, "hash", f"{digest}, the descriptor says {entry.get('hash')}")
            )
            ok = False
    if not ok:
        return problems, None
    try:
        table = pq.ParquetFile(folder / res["parquet"]["path"]).read()
    except Exception as e:  # noqa: BLE001 - any unreadable file is a problem to report
        return [*problems, Problem(res["parquet"]["path"], None, "file", f"unreadable: {e}")], None
    if not table.schema.equals(arrow_schema(model), check_metadata=False):
        return [
            *problems,
            Problem(
                res["parquet"]["path"], None, "schema", "Arrow schema differs from the models'"
            ),
        ], None
    # the CSV file's hash is the descriptor's (checked above): the Parquet table written
    # as CSV must have it too; streamed into the hash, never held whole
    regenerated = _Sha256()
    write_csv(table, model, regenerated)
    if "sha256:" + regenerated.hash.hexdigest() != res.get("hash"):
        problems.append(
            Problem(res["path"], None, "rows", f"CSV and Parquet of {name} hold different rows")
        )
    return problems, table


class _Sha256:
    """A binary file object that only hashes what is written to it."""

    closed = False

    def __init__(self):
        self.hash = hashlib.sha256()

    def write(self, data) -> int:
        self.hash.update(data)
        return len(data)

    def flush(self) -> None:
        pass
