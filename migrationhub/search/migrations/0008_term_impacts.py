"""Each term's impacts (search.models.Term.impacts) on PostgreSQL, filled from the documents'
analysed text: a term's `ts_rank` (normalisation 1) in every document it occurs in, in the order
of its postings. Elsewhere the column stays empty (SQLite's bm25 impacts depend on the average
length, which every write changes).

Self-contained: `ts_rank`'s share and the stored form are written here as `topk.ts_rank_impact`,
`bitmaps.encode_postings` and `topk.encode_impacts` write them, so that later changes to live code
cannot change what this migration does. Postings are rewritten with the impacts, in the same
order."""

from array import array
from collections import Counter

import numpy as np
from django.db import connection, migrations, models

MAX_POSITIONS = 256
NORMALISER = 1.64493406685
TITLE, BODY = 1.0, 0.4
_SUMS = np.concatenate([[0.0], np.cumsum(1 / np.arange(1, MAX_POSITIONS + 1) ** 2)])


def _impacts(title_tf: np.ndarray, body_tf: np.ndarray, length: np.ndarray) -> np.ndarray:
    title = np.minimum(title_tf, MAX_POSITIONS)
    every = np.minimum(title_tf + body_tf, MAX_POSITIONS)
    total = TITLE * _SUMS[title] + BODY * (_SUMS[every] - _SUMS[title])
    return total / NORMALISER / np.maximum(np.log2(length.astype(np.float64) + 1), 1)


def _postings(ids: np.ndarray) -> bytes:
    if not len(ids):
        return b""
    if 4 * len(ids) <= int(ids[-1]) // 8 + 1:
        return b"S" + ids.astype("<u4").tobytes()
    flags = np.zeros(int(ids[-1]) + 1, dtype=bool)
    flags[ids] = True
    return b"D" + np.packbits(flags, bitorder="little").tobytes()


def fill(apps, schema_editor):
    if (schema_editor.connection if schema_editor else connection).vendor != "postgresql":
        return
    Document = apps.get_model("search", "Document")
    Term = apps.get_model("search", "Term")
    # per term: ids (ascending: documents are read by id), title and body frequencies, lengths
    pairs: dict[str, tuple[array, array, array, array]] = {}
    rows = Document.objects.order_by("pk").values_list("pk", "title_terms", "body_terms")
    for pk, title_terms, body_terms in rows.iterator(chunk_size=2000):
        title, body = title_terms.split(), body_terms.split()
        in_title, in_body = Counter(title), Counter(body)
        for term in in_title.keys() | in_body.keys():
            ids, titles, bodies, lengths = pairs.setdefault(
                term, (array("q"), array("i"), array("i"), array("i"))
            )
            ids.append(pk)
            titles.append(in_title[term])
            bodies.append(in_body[term])
            lengths.append(len(title) + len(body))
    changed = []
    for row in Term.objects.only("pk", "term").iterator(chunk_size=2000):
        ids, titles, bodies, lengths = (
            np.frombuffer(a, dtype=dtype) if len(a) else np.empty(0, dtype)
            for a, dtype in zip(
                pairs.get(row.term, ()) or (array("q"),) + (array("i"),) * 3,
                (np.int64, np.int32, np.int32, np.int32),
                strict=True,
            )
        )
        values = _impacts(titles.astype(np.int64), bodies.astype(np.int64), lengths)
        row.postings = _postings(ids)
        row.impacts = values.astype("<f4").tobytes()
        changed.append(row)
    Term.objects.bulk_update(changed, ["postings", "impacts"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_term_postings"),
    ]

    operations = [
        migrations.AddField(
            model_name="term",
            name="impacts",
            field=models.BinaryField(default=b""),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
