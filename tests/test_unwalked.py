"""A batch's documents cross to a Dask worker without Prefect or Dask walking them."""

from __future__ import annotations

import pickle

from dask.tokenize import normalize_token, tokenize

from flows.tasks import Unwalked


class _Item:
    walked = 0


@normalize_token.register(_Item)
def _count_walks(item: _Item) -> str:
    _Item.walked += 1
    return "item"


def test_a_worker_unwraps_the_value_itself() -> None:
    batch = Unwalked([1, 2, 3])
    assert pickle.loads(pickle.dumps(batch)).unwrap() == [1, 2, 3]


def test_dask_keys_a_task_without_walking_its_batch() -> None:
    _Item.walked = 0
    batch = Unwalked([_Item(), _Item()])
    token = tokenize({"items": batch, "raw_dir": "data/raw"})
    assert _Item.walked == 0
    # Two batches alive at once never share a key.
    assert token != tokenize({"items": Unwalked([_Item()]), "raw_dir": "data/raw"})
    assert token == tokenize({"items": batch, "raw_dir": "data/raw"})
