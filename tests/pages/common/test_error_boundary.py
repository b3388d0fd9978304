"""The error boundary (issue 14, item 6; ui.errors): what a run did not expect ends in a Chinese message
with an error number, the details in the log under that number; a database that is down says so and
the next run works once it is back; an attachments folder that cannot be written says so and leaves
nothing saved.

These tests run with the shipped setting client.showErrorDetails = "none" (the other page tests run
with "full", as in development, so that a bug also shows Streamlit's own box there)."""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from streamlit.testing.v1.util import patch_config_options

from db.engine import database_url, engine_for, reset_engines
from tests.pages.apptest_kit import (
    ENT,
    FORCED_APPLY,
    PASSWORD,
    REPORT,
    actor,
    all_text,
    db,
    errors,
    form_login,
    new_app,
    no_exception,
    open_page,
    page_title,
    png_bytes,
    seed_login,
    submit,
)

NUMBER = re.compile(r"错误编号：([0-9A-F]{8})")


@pytest.fixture
def shipped_details():
    """client.showErrorDetails as the shipped .streamlit/config.toml sets it."""
    with patch_config_options({"client.showErrorDetails": "none"}):
        yield


def _shows_no_internals(at) -> None:
    text = all_text(at)
    for word in ("Traceback", "Error:", "Exception", "sqlalchemy", "psycopg", "sqlite3", 'File "'):
        assert word not in text, word
    assert not at.exception


# ---------------------------------------------------------------- anything unexpected


def _break_the_report_list(monkeypatch):
    from services.registration import reporting

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom: an internal detail no user should read")

    monkeypatch.setattr(reporting, "list_applications", broken)


def test_an_unexpected_error_shows_a_chinese_message_and_logs_the_details(login, monkeypatch, shipped_details, caplog):
    at = login(ENT)
    _break_the_report_list(monkeypatch)
    with caplog.at_level(logging.ERROR, logger="jlgcs.errors"):
        open_page(at, REPORT)
    [message] = [e for e in errors(at) if "错误编号" in e]
    assert message.startswith("系统繁忙，请稍后重试。如问题持续，请联系管理员")
    number = NUMBER.search(message).group(1)
    assert "boom" not in all_text(at)
    _shows_no_internals(at)
    [record] = [r for r in caplog.records if r.name == "jlgcs.errors"]
    assert number in record.getMessage()
    assert record.exc_info and "boom: an internal detail" in str(record.exc_info[1])


def test_each_error_gets_its_own_number(login, monkeypatch, shipped_details):
    at = login(ENT)
    _break_the_report_list(monkeypatch)
    numbers = set()
    for _ in range(3):
        open_page(at, REPORT)
        numbers |= {NUMBER.search(e).group(1) for e in errors(at) if NUMBER.search(e)}
    assert len(numbers) == 3


def test_in_development_the_error_also_shows_streamlits_box(login, monkeypatch):
    """The page tests' setting ("full"): a bug is still an exception for at.exception to catch."""
    at = login(ENT)
    _break_the_report_list(monkeypatch)
    open_page(at, REPORT)
    assert any("错误编号" in e for e in errors(at))
    assert at.exception and "boom" in at.exception[0].message


def test_an_error_in_a_dialog_is_answered_there_too(login, monkeypatch, shipped_details):
    """A confirmation dialog runs as a fragment: the boundary is the session's, so it answers there."""
    from services.registration import reporting

    at = login(ENT, REPORT)
    at.selectbox(key="f_status").set_value("REPORTED")
    no_exception(submit(at, "report_filters", "查询").click().run())
    key = next(d.proto.id.split("-", 2)[2] for d in at.dataframe)
    at.session_state[key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    no_exception(at.run())
    no_exception([b for b in at.button if b.label == "撤回"][0].click().run())

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(reporting, "withdraw_application", broken)
    at.button(key="dlg_withdraw_ok").click().run()
    assert any(e.startswith("系统繁忙") for e in errors(at)), errors(at)
    _shows_no_internals(at)


# ---------------------------------------------------------------- the database is down


class _Relay:
    """A TCP relay in front of the PostgreSQL test server: cut, the database is down for the app (its
    pooled connections die too); restored on the same port, it is back."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.up()

    def up(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self) -> None:
        for s in [self.listener, *self.sockets]:
            try:
                s.shutdown(socket.SHUT_RDWR)  # close() alone leaves a blocked accept() listening
            except OSError:
                pass
            s.close()
        self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class _Outage:
    """The database going away and coming back, on either backend."""

    def __init__(self, data_dir: Path, monkeypatch):
        url = make_url(database_url())
        self.relay = None
        if url.get_backend_name() == "postgresql":
            self.relay = _Relay(url.host, url.port)
            monkeypatch.setenv("DATABASE_URL", url.set(host="127.0.0.1", port=self.relay.port).render_as_string(False))
            reset_engines()
        else:
            # SQLite: the file cannot be opened (a lost disk). The app's pooled connections would keep
            # the old file open, so the outage closes them, as a server going down does.
            self.file = Path(url.database)
            self.away = self.file.with_name("app.db.away")

    def down(self) -> None:
        if self.relay:
            self.relay.down()
        else:
            engine_for(database_url()).dispose()
            self.file.rename(self.away)
            self.file.mkdir()  # "unable to open database file"

    def up(self) -> None:
        if self.relay:
            self.relay.up()
        else:
            self.file.rmdir()
            self.away.rename(self.file)


def test_a_database_that_is_down_says_so_and_the_next_run_works_once_it_is_back(demo_db, monkeypatch, shipped_details):
    outage = _Outage(demo_db, monkeypatch)
    at = seed_login(new_app(), ENT).run()
    open_page(at, REPORT)
    no_exception(at)
    assert page_title(at) == "注册上报"

    outage.down()
    at.run()
    [message] = errors(at)
    assert message.startswith("数据库暂时无法连接，请稍后重试") and NUMBER.search(message)
    _shows_no_internals(at)
    at.run()  # still down: the same answer, no worse
    assert errors(at)[0].startswith("数据库暂时无法连接")

    outage.up()
    no_exception(at.run())
    assert page_title(at) == "注册上报" and not errors(at)
    assert at.dataframe  # the list is back


def test_a_database_that_is_down_at_login_says_so(demo_db, monkeypatch, shipped_details):
    outage = _Outage(demo_db, monkeypatch)
    at = new_app().run()
    outage.down()
    form_login(at, ENT, PASSWORD)
    assert errors(at)[0].startswith("数据库暂时无法连接")
    _shows_no_internals(at)
    outage.up()
    no_exception(form_login(at, ENT, PASSWORD))
    assert at.sidebar and [b for b in at.sidebar.button if b.label == "退出登录"]


# ---------------------------------------------------------------- the attachments folder cannot be written


def test_an_upload_into_an_unwritable_attachments_folder_says_so_and_saves_nothing(login, shipped_details, monkeypatch):
    """Root ignores file modes, so the folder is made unusable another way: a file where it should be."""
    from db.models import Attachment, ForcedDeregistration
    from services.deregistration import requests as forced

    monkeypatch.setenv("ATTACHMENT_STORE", "files")  # PostgreSQL keeps attachments in the database by default
    folder = Path(os.environ["DATA_DIR"]) / "attachments"
    shutil.rmtree(folder, ignore_errors=True)
    folder.write_bytes(b"")

    def counts():
        return db(
            lambda s: (
                s.scalar(select(func.count()).select_from(ForcedDeregistration)),
                s.scalar(select(func.count()).select_from(Attachment)),
            )
        )

    before = counts()
    at = login(ENT, FORCED_APPLY)
    reg_id = db(lambda s: forced.list_deregistrable(s, actor(ENT))).ids[0]
    at.selectbox(key="fa_person").set_value(reg_id)
    at.selectbox(key="fa_reason").set_value("退休")
    at.run()
    at.selectbox(key="fa_type").set_value("TXZM")
    at.file_uploader(key="fa_file").upload("退休证明.png", png_bytes(), "image/png")
    submit(at, "forced_apply").click().run()
    assert any(e.startswith("附件存储暂时无法写入，本次操作未保存") for e in errors(at)), errors(at)
    _shows_no_internals(at)
    assert counts() == before
    assert folder.is_file() and folder.read_bytes() == b""
