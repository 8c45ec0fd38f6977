
import dagster as dg

from pipeline.dagster_home import ensure_dagster_home


def test_default_home_under_project(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = ensure_dagster_home(tmp_path)
    assert home == (tmp_path / ".dagster").resolve()
    import os

    assert os.environ["DAGSTER_HOME"] == str(home)
    text = (home / "dagster.yaml").read_text()
    assert "telemetry:\n  enabled: false" in text

    instance = dg.DagsterInstance.get()
    try:
        assert instance.get_settings("telemetry") == {"enabled": False}
        assert type(instance.run_storage).__name__.startswith("Sqlite")
    finally:
        instance.dispose()
    assert (home / "history" / "runs.db").exists()


def test_env_home_wins_and_existing_yaml_is_kept(tmp_path, monkeypatch):
    custom = tmp_path / "elsewhere"
    custom.mkdir()
    (custom / "dagster.yaml").write_text("run_queue:\n  max_concurrent_runs: 1\n")
    monkeypatch.setenv("DAGSTER_HOME", str(custom))
    home = ensure_dagster_home(tmp_path / "project")
    assert home == custom.resolve()
    text = (custom / "dagster.yaml").read_text()
    assert text.startswith("run_queue:\n  max_concurrent_runs: 1\n")
    assert "telemetry:\n  enabled: false" in text
    ensure_dagster_home(tmp_path / "project")  # idempotent
    assert (custom / "dagster.yaml").read_text() == text
    assert not (tmp_path / "project" / ".dagster").exists()
