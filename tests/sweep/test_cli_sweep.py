"""``symdae sweep SPEC --out DIR`` and ``symdae sweep report DIR`` end to end (tiny MNIST runs, in series)."""

from __future__ import annotations

from pathlib import Path

import pytest

from symdae.cli import main
from tests.sweep.helpers import tiny_spec

pytestmark = pytest.mark.data
pytest.importorskip("pandas", reason="needs the sweep extra: pip install 'symdae[sweep]'")
pytest.importorskip("torch", reason="training needs torch")


def test_sweep_writes_table_and_report_draws_the_plots(data_root: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "two.toml"
    spec.write_text(tiny_spec(data_root, "noise_var = [0.25, 0.75]"))
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--serial", "--quiet", "--no-plots"]) == 0
    first = capsys.readouterr()
    assert first.err == "" and "2 run(s): 2 run, 0 skipped" in first.out
    assert main(["sweep", str(spec), "--out", str(out), "--serial", "--quiet", "--no-plots"]) == 0
    assert "0 run, 2 skipped (already done)" in capsys.readouterr().out
    assert main(["sweep", "report", str(out)]) == 0
    report = capsys.readouterr().out
    assert "2 finished run(s), 16 rows" in report and "mnist linear dae: 2 run(s)" in report
    assert "0 failed run(s)" in report
    for name in ("final_vs_noise", "measured_vs_predicted", "time_to_learn"):
        assert (out / "plots" / f"{name}.png").stat().st_size > 1000
        assert (out / "plots" / f"{name}.pdf").is_file()


def test_report_of_a_folder_without_a_sweep_fails_in_one_line(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "report", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("symdae sweep report: ") and "results.parquet does not exist" in err
    assert err.count("\n") == 1


def test_running_needs_an_output_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "s.toml"
    spec.write_text('[base]\nkind = "linear"\nsamples = 100\n')
    assert main(["sweep", str(spec)]) == 2
    assert capsys.readouterr().err == "symdae sweep: --out DIR is required to run a sweep (or give --dry-run)\n"


@pytest.mark.slow
def test_ctrl_c_in_the_terminal_stops_the_embedded_cluster_quietly_and_the_command_continues(
        data_root: Path, tmp_path: Path) -> None:
    """Ctrl-C as a terminal sends it: SIGINT to the whole process group, the workers included."""
    import os
    import signal
    import subprocess
    import sys

    pytest.importorskip("distributed", reason="needs the sweep extra: pip install 'symdae[sweep]'")
    spec = tmp_path / "four.toml"
    spec.write_text(tiny_spec(data_root, "noise_var = [0.1, 0.3, 0.5, 0.7]").replace("epochs = 20", "epochs = 3000")
                    + "\n[sweep]\ncheckpoint_every = 100\n")
    command = [sys.executable, "-m", "symdae", "sweep", str(spec), "--out", str(tmp_path / "out"), "--no-plots",
               "--workers", "2"]
    sweep = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             start_new_session=True)
    assert sweep.stdout is not None
    lines = []
    for line in sweep.stdout:
        lines.append(line)
        if ": done (" in line:
            os.killpg(sweep.pid, signal.SIGINT)
    output = "".join(lines)
    assert sweep.wait(timeout=60) == 130, output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
    assert "the same command continues" in output
    again = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert again.returncode == 0, again.stdout + again.stderr
    said = again.stdout + again.stderr  # progress on stderr, the summary on stdout
    assert "Traceback" not in said
    done = int(said.split("sweep: 4 runs: ")[1].split(" already done")[0])
    assert 1 <= done < 4, said
