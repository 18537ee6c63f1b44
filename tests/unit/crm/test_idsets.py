"""Id sets: dense chunks are one range, sparse sets are IN batches; nothing outside is touched."""

from __future__ import annotations

from sqlalchemy import column

from crm_core.idsets import BATCH, id_clauses


def test_dense_is_a_range_sparse_is_batches() -> None:
    dense = list(range(1, 2001))
    assert len(id_clauses(column("x"), dense)) == 1 and "BETWEEN" in str(id_clauses(column("x"), dense)[0])
    sparse = list(range(1, 1_000_000, 997))
    clauses = id_clauses(column("x"), sparse)
    assert len(clauses) == -(-len(sparse) // BATCH) and all("IN" in str(c) for c in clauses)
    assert "false" in str(id_clauses(column("x"), [])[0]).lower() or str(id_clauses(column("x"), [])[0]) == "0 = 1"
