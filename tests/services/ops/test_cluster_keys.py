"""make cluster: every process signs certificates with the one key set (a QR code made on one process
verifies on another, and each PDF names the same signer)."""

from __future__ import annotations

from pathlib import Path

from ops import cluster
from services.registry import certificate_keys as keys


def test_the_processes_of_a_cluster_share_one_certificate_key_set(tmp_path, monkeypatch):
    for name in cluster._CERT_KEY_ENVS:
        monkeypatch.delenv(name, raising=False)
    first = cluster.certificate_keys(tmp_path / "keys")
    again = cluster.certificate_keys(tmp_path / "keys")
    assert first == again
    assert all(Path(path).is_file() for path in first.values())
    public = []
    for data_dir in ("a", "b"):  # two processes, each with a DATA_DIR of its own
        monkeypatch.setenv("DATA_DIR", str(tmp_path / data_dir))
        for name, value in first.items():
            monkeypatch.setenv(name, value)
        public.append(keys.public_key_pem())
        assert keys.signing_files().key == Path(first[keys.SIGNING_KEY_ENV])
    assert public[0] == public[1]
    assert not (tmp_path / "a" / "certificate_token_key.pem").exists()
