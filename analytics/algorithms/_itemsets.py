"""Frequent itemset counting (Apriori on bitsets, FP-growth through mlxtend); private to this package."""

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import sparse

# Candidates whose bitsets are ANDed at once; bounds the working memory to about
# CANDIDATE_CHUNK × baskets / 8 bytes (50 MB for 20,000 baskets).
CANDIDATE_CHUNK = 20_000

Itemsets = dict[tuple[int, ...], int]


def minimum_count(min_support: float, baskets: int) -> int:
    """The smallest basket count whose support reaches `min_support` (tolerant of float rounding)."""
    return max(1, math.ceil(min_support * baskets - 1e-9))


def apriori_counts(
    basket_codes: np.ndarray, item_codes: np.ndarray, *, baskets: int, min_count: int, max_len: int | None
) -> Itemsets:
    """Level-wise Apriori; each itemset's baskets are a packed bitset, so support is a popcount of ANDs."""
    item_totals = np.bincount(item_codes)
    frequent_items = np.flatnonzero(item_totals >= min_count)
    found: Itemsets = {(int(item),): int(item_totals[item]) for item in frequent_items}
    if len(frequent_items) < 2 or max_len == 1:
        return found

    words = (baskets + 63) // 64
    position = np.full(item_totals.shape[0], -1)
    position[frequent_items] = np.arange(len(frequent_items))
    keep = position[item_codes] >= 0
    rows, columns = basket_codes[keep], position[item_codes[keep]]
    item_bits = np.zeros((len(frequent_items), words), dtype=np.uint64)
    np.bitwise_or.at(item_bits, (columns, rows >> 6), np.left_shift(np.uint64(1), (rows & 63).astype(np.uint64)))

    # Level 2 in one sparse product: co-occurrence counts of every frequent pair.
    incidence = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, columns)), shape=(baskets, len(frequent_items))
    )
    pairs = sparse.triu(incidence.T @ incidence, k=1).tocoo()
    hit = pairs.data >= min_count
    level = np.column_stack([pairs.row[hit], pairs.col[hit]]).astype(np.int64)
    counts = pairs.data[hit].astype(np.int64)
    order = np.lexsort(level.T[::-1])
    level, counts = level[order], counts[order]
    bits = item_bits[level[:, 0]] & item_bits[level[:, 1]]

    size = 2
    while len(level):
        found.update(zip(map(tuple, frequent_items[level].tolist()), counts.tolist(), strict=True))
        if max_len is not None and size >= max_len:
            break
        level, counts, bits = _next_level(level, bits, item_bits, min_count)
        size += 1
    return found


def _next_level(
    level: np.ndarray, bits: np.ndarray, item_bits: np.ndarray, min_count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Join sorted k-itemsets sharing a (k-1)-prefix, prune by the Apriori property, count by popcount."""
    known = set(map(tuple, level.tolist()))
    same_prefix = (
        np.all(level[1:, :-1] == level[:-1, :-1], axis=1) if level.shape[1] > 1 else np.ones(len(level) - 1, bool)
    )
    starts = np.flatnonzero(np.concatenate([[True], ~same_prefix]))
    ends = np.append(starts[1:], len(level))
    left_parts, right_parts = [], []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if end - start > 1:
            left, right = np.triu_indices(end - start, k=1)
            left_parts.append(left + start)
            right_parts.append(right + start)
    if not left_parts:
        return (
            np.empty((0, level.shape[1] + 1), np.int64),
            np.empty(0, np.int64),
            np.empty((0, bits.shape[1]), np.uint64),
        )
    left, right = np.concatenate(left_parts), np.concatenate(right_parts)
    candidates = np.column_stack([level[left], level[right, -1]])
    if candidates.shape[1] > 2:
        # Subsets dropping the last or second-to-last item are the two parents; check the others.
        keep = np.ones(len(candidates), dtype=bool)
        for drop in range(candidates.shape[1] - 2):
            subsets = np.delete(candidates, drop, axis=1).tolist()
            keep &= np.fromiter((tuple(subset) in known for subset in subsets), dtype=bool, count=len(subsets))
        left, right, candidates = left[keep], right[keep], candidates[keep]

    new_levels = [np.empty((0, candidates.shape[1]), np.int64)]
    new_counts, new_bits = [np.empty(0, np.int64)], [np.empty((0, bits.shape[1]), np.uint64)]
    for chunk in range(0, len(candidates), CANDIDATE_CHUNK):
        part = slice(chunk, chunk + CANDIDATE_CHUNK)
        joined = bits[left[part]] & item_bits[candidates[part, -1]]
        support = np.bitwise_count(joined).sum(axis=1, dtype=np.int64)
        hit = support >= min_count
        new_levels.append(candidates[part][hit])
        new_counts.append(support[hit])
        new_bits.append(joined[hit])
    return np.concatenate(new_levels), np.concatenate(new_counts), np.concatenate(new_bits)


def fpgrowth_counts(
    basket_codes: np.ndarray, item_codes: np.ndarray, *, baskets: int, min_count: int, max_len: int | None
) -> Itemsets:
    """FP-growth through mlxtend on a sparse one-hot frame of the frequent items only."""
    from mlxtend.frequent_patterns import fpgrowth

    item_totals = np.bincount(item_codes)
    frequent_items = np.flatnonzero(item_totals >= min_count)
    if len(frequent_items) == 0:
        return {}
    position = np.full(item_totals.shape[0], -1)
    position[frequent_items] = np.arange(len(frequent_items))
    keep = position[item_codes] >= 0
    matrix = sparse.csc_matrix(
        (np.ones(int(keep.sum()), dtype=bool), (basket_codes[keep], position[item_codes[keep]])),
        shape=(baskets, len(frequent_items)),
    )
    onehot = pd.DataFrame.sparse.from_spmatrix(matrix, columns=[str(item) for item in frequent_items])
    found = fpgrowth(onehot, min_support=min_count / baskets - 1e-12, use_colnames=True, max_len=max_len)
    counts = np.rint(found["support"].to_numpy() * baskets).astype(np.int64)
    return {
        tuple(sorted(int(item) for item in itemset)): int(count)
        for itemset, count in zip(found["itemsets"], counts, strict=True)
        if count >= min_count
    }


COUNTERS: dict[str, Callable[..., Itemsets]] = {"apriori": apriori_counts, "fpgrowth": fpgrowth_counts}
