from __future__ import annotations

import math

from storyline.eval.metrics import bcubed, binary_prf, pairwise, pearson


def test_perfect_clustering() -> None:
    gold = {"a": "1", "b": "1", "c": "2"}
    pred = {"a": "x", "b": "x", "c": "y"}
    assert bcubed(gold, pred).f1 == 1.0
    assert pairwise(gold, pred).f1 == 1.0


def test_all_in_one_cluster() -> None:
    gold = {"a": "1", "b": "1", "c": "2", "d": "3"}
    pred = {k: "x" for k in gold}
    b = bcubed(gold, pred)
    assert b.recall == 1.0 and math.isclose(b.precision, (2 / 4 * 2 + 1 / 4 * 2) / 4)
    p = pairwise(gold, pred)
    assert p.recall == 1.0 and math.isclose(p.precision, 1 / 6)


def test_missing_predictions_are_singletons() -> None:
    gold = {"a": "1", "b": "1"}
    assert pairwise(gold, {}).recall == 0.0
    assert bcubed(gold, {}).precision == 1.0


def test_pearson_and_binary() -> None:
    assert math.isclose(pearson([1, 2, 3], [2, 4, 6]), 1.0)
    assert math.isclose(pearson([1, 2, 3], [3, 2, 1]), -1.0)
    prf = binary_prf([True, True, False, False], [True, False, True, False])
    assert prf.precision == 0.5 and prf.recall == 0.5
