"""Shared fixtures: the seed report, parsed and loaded, and the named users of the access tests.

Named users (healthchecks style) — who may do what is explained where each is made, in shinchoku tests that
need them (see tests/cycle/conftest.py). The seed is parsed once per session; loading it is per test (the
database is rolled back after each test).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from shinchoku.interchange.document import Document

FIXTURES = Path(__file__).parent / "fixtures"
SEED_PATH = FIXTURES / "seed_kashiwazaki_fy2023.txt"


@pytest.fixture(autouse=True)
def _tasks_run_in_the_caller(settings):  # type: ignore[no-untyped-def]
    """Background tasks (drafts, e-mail) run inside the caller, with no worker; the tests of the queue itself
    (tests/cycle/test_task_queue.py) switch to the database backend and run the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def _seed_document_cached(seed_text: str) -> Document:
    from shinchoku.importing.report_text import parse_report_text

    return parse_report_text(seed_text, source=str(SEED_PATH))


@pytest.fixture
def seed_document(_seed_document_cached: Document) -> Document:
    """A fresh deep copy, so a test may mutate it."""
    return copy.deepcopy(_seed_document_cached)


@pytest.fixture
def kashiwazaki(db, seed_document: Document):  # type: ignore[no-untyped-def]
    """The seed loaded into the test database; returns the Municipality 柏崎市."""
    from shinchoku.cycle.services.imports import year_import

    return year_import(by=None, document=seed_document).municipality


# --- a second report of the same form: the seed rewritten as FY2024 results, published 2025 -------------------

NEW_SHEET = """観光DXの推進 市重点\t\t\t\t\t
担当部署\t\t観光交流課、ものづくり振興課\t\t\t\t
事業概要\t\t観光データを活用し、誘客を図ります。\t\t\t\t
目指す姿\t\t観光客の満足度が高まります。\t\t\t\t
第五次総合計画後期基本計画との紐付け\t\t② 産業・雇用 1-1 観光を振興する\t\t\t\t
スケジュール\t\tR4(2022) 年度\tR5(2023) 年度\tR6(2024) 年度\tR7(2025) 年度\tR8(2026) 年度
\t\t検討\t①導入\t①運用\t→\t
観光アプリ登録者数\t目標\t—\t1,000人\t2,000人\t3,000人\t4,000人
\t実績\t—\t800人\t1,500人\t\t
宿泊者アンケート満足度\t目標\t—\t—\t4.0点\t4.2点\t4.5点
\t実績\t—\t—\t3.8点\t\t
観光案内の待ち時間\t目標\t—\t30分以下\t20分以下\t15分以下\t10分以下
\t実績\t—\t32分\t25分\t\t
R6（2024）年度 主な取組と成果\t\t<ul style="list-style-type: none"> ・アプリを公開しました。 ・アンケートを実施しました。 </ul>\t\t\t\t
「目指す姿」に向けた課題と今後の展開\t\t登録者数の伸びが課題です。\t\t\t\t
R7（2025）年度 主な取組\t\t<p>① 周知を強化します。</p> <p>② 機能を拡充します。</p>\t\t\t\t
"""


def rewrite_as_fy2024(text: str) -> str:
    """The seed rewritten as next year's report: new years everywhere, other grades, one project renamed,
    one removed, one added (with three indicators and a D-graded project's summary)."""
    out = text.replace("**令和6（2024）年度", "**令和7（2025）年度")
    out = out.replace("（令和5（2023）年度実績分）", "（令和6（2024）年度実績分）")
    out = out.replace("令和6（2024）年8月\n", "令和7（2025）年8月\n", 1)
    out = out.replace(
        "4つの新規個別事業計画を追加しました。",
        "4つの新規個別事業計画を追加しました。令和6（2024）年11月の計画改定では、観光DXの推進を追加しました。",
    )
    lines = []
    for line in out.split("\n"):
        number = ""
        if re.match(r"^\d+\t", line):  # a page-row-number column
            number, _, line = line.partition("\t")
            number += "\t"
        head, _, rest = line.partition("\t")
        k = re.sub(r"\s", "", head)
        if k.endswith("主な取組と成果") and k[:1] == "R":
            line = "R6（2024）年度 主な取組と成果\t" + rest
        elif k.endswith("主な取組") and k[:1] == "R":
            line = "R7（2025）年度 主な取組\t" + rest
        lines.append(number + line)
    out = "\n".join(lines)
    # grades: A -> B, B -> D for one, C -> A
    out = out.replace("新交通システムの構築\tA", "新交通システムの構築\tB")
    out = out.replace("\t除雪作業効率化\tB", "\t除雪作業効率化\tD")
    out = out.replace("電子文書管理・電子決裁システム導入\tC", "電子文書管理・電子決裁システム導入\tA")
    out = re.sub(
        r"<p>○新交通システムの構築（A）</p>.*?<p>○LINE",
        '<p>○除雪作業効率化（D）</p> <ul style="list-style-type: none"> 装置の導入を見直します。 <p>○LINE',
        out,
    )
    out = out.replace("○電子文書管理・電子決裁システム導入（C）", "○電子文書管理・電子決裁システム導入（A）")
    out = out.replace("ウェブ会議の仕組みを利用した取組の拡充", "オンライン相談の拡充")
    # LINE: one more actual
    out = out.replace("\t実績\t—\t11,768人\t16,608人\t", "\t実績\t—\t11,768人\t16,608人\t18,210人")
    # remove 電子契約システム導入 (its table row and its sheet)
    out = out.replace("\t電子契約システム導入\tB\n", "")
    out = re.sub(r"\n電子契約システム導入\t.*?\n\n", "\n", out, flags=re.S)
    # add 観光DXの推進 in 産業のDX, graded C, with its summary and sheet
    out = out.replace(
        "農業DXに向けたデジタル技術の活用推進\tB\n進捗状況B以外の概要\t\n該当なし\t",
        "農業DXに向けたデジタル技術の活用推進\tB\n観光DXの推進\tC\n進捗状況B以外の概要\t\n"
        '<p>○観光DXの推進（C）</p> <ul style="list-style-type: none"> 登録者数が目標に届きませんでした。 ',
    )
    return out + "\n\n" + NEW_SHEET



@pytest.fixture(scope="session")
def fy2024_text(seed_text: str) -> str:
    return rewrite_as_fy2024(seed_text)


def empty_the_database() -> None:
    """Test surgery: every table of Shinchoku and every user emptied, as in a fresh installation, inside the
    test's transaction (rolled back afterwards). Django's foreign keys are deferred, so plain DELETEs in any
    order are fine (a TRUNCATE is not, on PostgreSQL, while the test's rows have pending checks). No code path
    of the application deletes a municipality's record."""
    from django.apps import apps
    from django.db import connection

    labels = {"tenancy", "plans", "cycle", "documents"}
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in labels]
    models += [apps.get_model("auth", "User")]
    models += [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table.startswith("auth_user_")]
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
