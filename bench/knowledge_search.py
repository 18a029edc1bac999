"""Knowledge search latency over 10,000 generated articles, on SQLite and on PostgreSQL.

Generates 10,000 articles (Zipf-distributed words: function words most often, then a few shop
words, then a long tail of made-up words; titles of 4-8 words, bodies of 80-250, categories and
tags), imports them with the same action ``frontdesk kb import``
uses, then runs the same fixed list of visitor queries (one to three words, a quarter ending
in a half-typed word, a tenth with a typo) twice: in process, through ``search_articles``, and
over HTTP, against a real ``frontdesk serve`` process, one request at a time. PostgreSQL runs in
a scratch database created and dropped here. Writes ``knowledge_search.json`` beside this file.

    .venv/bin/python bench/knowledge_search.py [--articles 10000] [--queries 400]
        [--postgres postgresql://postgres:frontdesk@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from frontdesk.actions.knowledge_bases import ArticleInput
from frontdesk.actions.knowledge_import import import_articles
from frontdesk.actions.knowledge_search import Scope, search_articles
from frontdesk.actions.knowledge_text import STOP_WORDS
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.migrate import upgrade

RESULT = Path(__file__).with_name("knowledge_search.json")
KB = "bench"
SEARCH = "/api/knowledge/search/v2/search/"
WARM_UP = 30
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "te",
    "vo",
    "zi",
    "pa",
    "do",
    "fe",
    "gu",
    "hi",
    "ja",
    "ki",
    "ma",
    "no",
    "pe",
    "qu",
    "re",
    "si",
    "tu",
    "va",
    "we",
    "xa",
    "yo",
]
COMMON = [
    "order",
    "delivery",
    "return",
    "refund",
    "desk",
    "chair",
    "lamp",
    "account",
    "password",
    "invoice",
    "payment",
    "parcel",
    "warranty",
    "shipping",
    "assembly",
    "screen",
    "cable",
    "motor",
    "height",
    "colour",
    "light",
    "voucher",
]


def made_up_words(rng: random.Random, count: int) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def generate(count: int, seed: int = 1) -> tuple[list[ArticleInput], list[str]]:
    """``count`` articles, and the vocabulary they were written from (common words first)."""
    rng = random.Random(seed)
    # Function words first, as in real text: the most frequent words of any help text are
    # "the", "to", "you"; the shop's own words come next, then the long tail of rarer words.
    vocabulary = sorted(STOP_WORDS) + COMMON + made_up_words(rng, 6000)
    # Zipf-like: a few words are everywhere, most are rare, as in real help texts.
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(vocabulary))]
    categories = [f"Category {n}" for n in range(20)]
    articles = []
    for n in range(count):
        title = " ".join(rng.choices(vocabulary, weights, k=rng.randint(4, 8))).capitalize()
        paragraphs = [
            " ".join(rng.choices(vocabulary, weights, k=rng.randint(20, 50))).capitalize() + "."
            for _ in range(rng.randint(4, 5))
        ]
        articles.append(
            ArticleInput(
                external_id=f"gen-{n}",
                title=title,
                body="\n\n".join(paragraphs),
                language="en",
                categories=(rng.choice(categories),),
                tags=tuple(rng.sample(vocabulary[:300], rng.randint(2, 4))),
            )
        )
    return articles, vocabulary


def typo(rng: random.Random, word: str) -> str:
    at = rng.randrange(1, len(word) - 1)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def queries(articles: list[ArticleInput], count: int, seed: int = 2) -> list[tuple[str, str]]:
    """(kind, query) pairs drawn from the articles' own words, as visitors would type them."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        article = rng.choice(articles)
        # Visitors type the words that matter; a query of function words only finds nothing
        # by design and would only flatter the figures.
        words = [
            w
            for w in (w.strip(".").lower() for w in (article.title + " " + article.body).split())
            if w not in STOP_WORDS
        ]
        picked = rng.sample(words, rng.randint(1, 3))
        roll = rng.random()
        if roll < 0.25 and len(picked[-1]) > 4:
            picked[-1] = picked[-1][: rng.randint(3, len(picked[-1]) - 1)]
            kind = "prefix"
        elif roll < 0.35 and len(picked[-1]) > 5:
            picked[-1] = typo(rng, picked[-1])
            kind = "typo"
        else:
            kind = "words"
        found.append((kind, " ".join(picked)))
    return found


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return {
        "p50_ms": round(statistics.median(samples_ms), 2),
        "p95_ms": round(cuts[94], 2),
        "p99_ms": round(cuts[98], 2),
        "max_ms": round(max(samples_ms), 2),
    }


def summary(timed: list[tuple[str, float, int]]) -> dict[str, Any]:
    result: dict[str, Any] = {"all": percentiles([ms for _, ms, _ in timed])}
    for kind in ("words", "prefix", "typo"):
        kind_ms = [ms for k, ms, _ in timed if k == kind]
        if len(kind_ms) >= 2:
            result[kind] = {"queries": len(kind_ms), **percentiles(kind_ms)}
    result["queries_with_results"] = sum(1 for _, _, hits in timed if hits)
    result["queries"] = len(timed)
    return result


async def in_process(database: Database, plan: list[tuple[str, str]]) -> dict[str, Any]:
    scope = Scope("en")
    for _, query in plan[:WARM_UP]:
        await search_articles(database, query, scope, limit=5)
    timed = []
    for kind, query in plan:
        start = time.perf_counter()
        result = await search_articles(database, query, scope, limit=5)
        timed.append((kind, (time.perf_counter() - start) * 1000, len(result.hits)))
    return summary(timed)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(data_dir: Path, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with (data_dir / "server.log").open("ab") as log:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "frontdesk",
                "serve",
                "--port",
                str(port),
                "--data-dir",
                str(data_dir),
            ],
            stdout=log,
            stderr=log,
            env=env,
        )


async def over_http(
    database_url: str, data_dir: Path, plan: list[tuple[str, str]]
) -> dict[str, Any]:
    port = free_port()
    env = {
        **os.environ,
        "FRONTDESK_DATABASE_URL": database_url,
        "FRONTDESK_SECRET_KEY": secrets.token_urlsafe(40),
        "FRONTDESK_KNOWLEDGE_REQUESTS_PER_IP": "1000000",
        "FRONTDESK_LOG_LEVEL": "warning",
    }
    server = start_server(data_dir, port, env)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            for _ in range(200):
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            else:
                raise RuntimeError("the server did not start; see server.log")
            for _, query in plan[:WARM_UP]:
                await client.get(SEARCH, params={"query": query, "size": 5})
            timed = []
            for kind, query in plan:
                start = time.perf_counter()
                response = await client.get(SEARCH, params={"query": query, "size": 5})
                elapsed = (time.perf_counter() - start) * 1000
                response.raise_for_status()
                timed.append((kind, elapsed, response.json()["count"]))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return summary(timed)


async def run_on(
    name: str, database_url: str, data_dir: Path, articles: list[ArticleInput], plan: list[Any]
) -> dict[str, Any]:
    settings = Settings(data_dir=data_dir, database_url=database_url, secret_key="b" * 40)
    database = await Database.connect(settings)
    try:
        await upgrade(database)
        start = time.perf_counter()
        await import_articles(database, KB, articles, name="Bench", language="en")
        imported = time.perf_counter() - start
        start = time.perf_counter()
        again = await import_articles(database, KB, articles, name="Bench", language="en")
        reimported = time.perf_counter() - start
        print(f"{name}: imported in {imported:.1f} s, searching in process", flush=True)
        process = await in_process(database, plan)
    finally:
        await database.close()
    print(f"{name}: searching over HTTP", flush=True)
    http = await over_http(database_url, data_dir, plan)
    return {
        "import_seconds": round(imported, 1),
        "reimport_unchanged_seconds": round(reimported, 1),
        "reimport_unchanged_articles": again.unchanged,
        "in_process": process,
        "over_http": http,
    }


async def postgres_scratch(admin_url: str) -> tuple[str, str]:
    import asyncpg

    name = f"frontdesk_bench_{uuid.uuid4().hex[:10]}"
    dsn = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return name, make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def drop_scratch(admin_url: str, name: str) -> None:
    import asyncpg

    dsn = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def main(args: argparse.Namespace) -> dict[str, Any]:
    articles, _ = generate(args.articles)
    plan = queries(articles, args.queries)
    results: dict[str, Any] = {"articles": len(articles), "queries": len(plan)}
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as tmp:
        sqlite_dir = Path(tmp) / "sqlite"
        sqlite_dir.mkdir()
        url = f"sqlite:///{sqlite_dir / 'frontdesk.db'}"
        results["sqlite"] = await run_on("sqlite", url, sqlite_dir, articles, plan)
        if args.postgres:
            name, url = await postgres_scratch(args.postgres)
            try:
                pg_dir = Path(tmp) / "postgres"
                pg_dir.mkdir()
                results["postgresql"] = await run_on("postgresql", url, pg_dir, articles, plan)
            finally:
                await drop_scratch(args.postgres, name)
    results["setup"] = (
        "one query at a time; limit 5 results with snippets; in process: search_articles; "
        "over HTTP: frontdesk serve (uvicorn) and an httpx client on the same machine"
    )
    results["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres:frontdesk@127.0.0.1:5432/postgres",
        help="an admin URL for the scratch database; empty to skip PostgreSQL",
    )
    outcome = asyncio.run(main(parser.parse_args()))
    RESULT.write_text(json.dumps(outcome, indent=2) + "\n")
    print(json.dumps(outcome, indent=2))
