"""The knowledge commands of ``frontdesk``: ``kb import`` and ``kb list``.

``frontdesk kb import PATH --kb ID`` reads a folder of Markdown files, a JSON or a CSV file
(``frontdesk.actions.knowledge_import``) and shows a progress bar while it writes; running it
again updates what changed and duplicates nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from frontdesk.settings import Settings

if TYPE_CHECKING:
    from frontdesk.store.database import Database

StorageFlags = Callable[[argparse.ArgumentParser], None]
OpenDatabase = Callable[[Settings], contextlib.AbstractAsyncContextManager["Database"]]


def register(commands: Any, storage_flags: StorageFlags, open_database: OpenDatabase) -> None:
    """Add ``kb`` to the ``frontdesk`` command."""
    kb = commands.add_parser("kb", help="manage knowledge bases and their articles")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True, metavar="ACTION")

    importing = kb_commands.add_parser(
        "import", help="import articles from a Markdown folder, a .json or a .csv file"
    )
    storage_flags(importing)
    importing.add_argument("path", type=Path, help="folder of .md files, or a .json/.csv file")
    importing.add_argument("--kb", default="default", help="knowledge base id (default: default)")
    importing.add_argument(
        "--name", help="the knowledge base's name, when it is created or renamed"
    )
    importing.add_argument("--language", help="language of articles that name none (e.g. en)")
    importing.add_argument(
        "--prune", action="store_true", help="delete articles the source no longer has"
    )
    importing.add_argument("--quiet", action="store_true", help="no progress bar")

    def run_import(settings: Settings, args: argparse.Namespace) -> int:
        return asyncio.run(_import(settings, args, open_database))

    importing.set_defaults(run=run_import)

    listing = kb_commands.add_parser("list", help="list knowledge bases")
    storage_flags(listing)

    def run_list(settings: Settings, args: argparse.Namespace) -> int:
        return asyncio.run(_list(settings, open_database))

    listing.set_defaults(run=run_list)


async def _import(settings: Settings, args: argparse.Namespace, open_database: OpenDatabase) -> int:
    from frontdesk.actions.knowledge_import import import_articles, read_source

    articles = read_source(args.path)
    with Progress(
        TextColumn("importing {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=args.quiet,
        transient=True,
    ) as progress:
        task = progress.add_task(str(args.path), total=len(articles))
        async with open_database(settings) as database:
            report = await import_articles(
                database,
                args.kb,
                articles,
                name=args.name,
                language=args.language,
                prune=args.prune,
                progress=lambda done: progress.advance(task, done),
            )
    print(
        f"knowledge base {args.kb}: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.removed} removed"
    )
    return 0


async def _list(settings: Settings, open_database: OpenDatabase) -> int:
    from frontdesk.actions.knowledge_bases import list_knowledge_bases

    async with open_database(settings) as database:
        kbs = await list_knowledge_bases(database)
    if not kbs:
        print("no knowledge bases yet: import one with `frontdesk kb import PATH --kb ID`")
    for kb in kbs:
        print(f"{kb.id:<24} {kb.language:<6} {kb.articles:>6} articles  {kb.name}")
    return 0
