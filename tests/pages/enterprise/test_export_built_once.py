"""An export is encoded once, when 导出 is pressed, never again on later runs (issue 17): encoding a
6,000-row list took seconds of server CPU on every click after it."""

from __future__ import annotations

import pytest

from services.files import exports
from tests.pages.apptest_kit import ENT, REPORT, captions, no_exception


@pytest.fixture
def encodings(monkeypatch):
    calls = {"xlsx": 0, "csv": 0}
    to_xlsx, to_csv = exports.to_xlsx_bytes, exports.to_csv_bytes

    def xlsx(*args, **kwargs):
        calls["xlsx"] += 1
        return to_xlsx(*args, **kwargs)

    def csv(*args, **kwargs):
        calls["csv"] += 1
        return to_csv(*args, **kwargs)

    monkeypatch.setattr(exports, "to_xlsx_bytes", xlsx)
    monkeypatch.setattr(exports, "to_csv_bytes", csv)
    return calls


def _downloads(at) -> dict[str, tuple[str, int]]:
    return {d.proto.label: d.proto.url for d in at.get("download_button")}


def test_an_export_is_encoded_once_and_still_offered_on_later_runs(login, encodings):
    at = login(ENT, REPORT)
    no_exception(at.button(key="report_export").click().run())
    assert encodings == {"xlsx": 1, "csv": 1}
    offered = _downloads(at)
    assert set(offered) == {"下载 Excel", "下载 CSV"}
    for _ in range(3):  # later clicks: the page reruns with the export still on screen
        no_exception(at.run())
    assert encodings == {"xlsx": 1, "csv": 1}
    assert _downloads(at) == offered  # the same files, same names
    assert any("已生成导出文件" in c for c in captions(at))


def test_a_second_press_builds_a_new_export(login, encodings):
    at = login(ENT, REPORT)
    no_exception(at.button(key="report_export").click().run())
    no_exception(at.button(key="report_export").click().run())
    assert encodings == {"xlsx": 2, "csv": 2}
