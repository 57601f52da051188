"""``symdae predict``: its defaults and its three output formats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from symdae.cli import main


def test_predict_formats_csv_and_json_carry_the_same_numbers(data_root: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import json

    args = ["predict", "--data-root", str(data_root), "--samples", "1000", "--lr", "0.01", "--noise-var", "0.5",
            "--top", "4"]
    assert main([*args, "--format", "csv"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [int(r["direction"]) for r in rows] == [1, 2, 3, 4]
    assert main([*args, "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["settings"]["eps"] == 500.0 and record["settings"]["tau"] == 1000 / 0.01
    assert record["columns"] == list(rows[0])
    for row, entry in zip(rows, record["rows"], strict=True):
        lam = float(row["eigenvalue"])
        assert entry["eigenvalue"] == lam and float(row["fixed_point"]) == entry["fixed_point"]
        assert entry["fixed_point"] == pytest.approx(lam / (lam + 500.0), rel=1e-12)
        assert entry["epochs_to_50"] < entry["epochs_to_90"]


def test_predict_defaults_are_the_papers_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    import symdae.prediction
    from symdae.paper import dataset_defaults

    seen: list[tuple[Any, ...]] = []

    def record(dataset: str, samples: int, lr: float, **kwargs: Any) -> Any:
        seen.append((dataset, samples, lr, kwargs["hidden"], kwargs["top"]))
        raise KeyboardInterrupt

    monkeypatch.setattr(symdae.prediction, "predictions", record)
    for dataset in ("mnist", "cifar10"):
        assert main(["predict", "--dataset", dataset]) == 130
        paper = dataset_defaults(dataset)
        assert seen[-1] == (dataset, paper["samples"], paper["lr"], 256, 32)
    main(["predict"])
    assert seen[-1][0] == "mnist"
