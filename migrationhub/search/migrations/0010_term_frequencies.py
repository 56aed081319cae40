"""Each term's values beside its postings (search.models.Term.impacts) on SQLite, filled from the
documents' analysed text: per posting, the term's frequency weighted as the FTS5 table's rank
weighs its columns (title 10x the body) and the document's length in tokens, from which a search
computes FTS5's bm25 of every match with the current average length (`SqliteBackend.
stored_scores`). PostgreSQL's were filled by 0008.

Self-contained: the stored form is written here as `topk.bm25_frequencies`,
`bitmaps.encode_postings` and `topk.encode_impacts` write it, so that later changes to live code
cannot change what this migration does. Postings are rewritten with the values, in the same
order."""

from array import array
from collections import Counter

import numpy as np
from django.db import connection, migrations

TITLE_WEIGHT = 10.0


def _postings(ids: np.ndarray) -> bytes:
    if not len(ids):
        return b""
    if 4 * len(ids) <= int(ids[-1]) // 8 + 1:
        return b"S" + ids.astype("<u4").tobytes()
    flags = np.zeros(int(ids[-1]) + 1, dtype=bool)
    flags[ids] = True
    return b"D" + np.packbits(flags, bitorder="little").tobytes()


def fill(apps, schema_editor):
    if (schema_editor.connection if schema_editor else connection).vendor != "sqlite":
        return
    Document = apps.get_model("search", "Document")
    Term = apps.get_model("search", "Term")
    # per term: ids (ascending: documents are read by id), weighted frequencies, lengths
    pairs: dict[str, tuple[array, array, array]] = {}
    rows = Document.objects.order_by("pk").values_list("pk", "title_terms", "body_terms")
    for pk, title_terms, body_terms in rows.iterator(chunk_size=2000):
        title, body = title_terms.split(), body_terms.split()
        in_title, in_body = Counter(title), Counter(body)
        for term in in_title.keys() | in_body.keys():
            ids, frequencies, lengths = pairs.setdefault(
                term, (array("q"), array("d"), array("d"))
            )
            ids.append(pk)
            frequencies.append(TITLE_WEIGHT * in_title[term] + in_body[term])
            lengths.append(len(title) + len(body))
    changed = []
    for row in Term.objects.only("pk", "term").iterator(chunk_size=2000):
        ids, frequencies, lengths = pairs.get(row.term, (array("q"), array("d"), array("d")))
        row.postings = _postings(np.frombuffer(ids, dtype=np.int64) if ids else np.empty(0))
        values = np.column_stack(
            [np.asarray(frequencies, dtype=np.float64), np.asarray(lengths, dtype=np.float64)]
        )
        row.impacts = values.astype("<f4").tobytes()
        changed.append(row)
    Term.objects.bulk_update(changed, ["postings", "impacts"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0009_vectors_inline"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
