"""The house's layers, as docs/architecture.md draws them, enforced on the imports of bot/.

Every `import` and `from ... import` of every module is read with `ast` (imports inside
functions included). Imports under `if TYPE_CHECKING:` never run: they count for the rules
on third-party packages (the quiz domain must not even name discord in a type hint) and
are left out of the cycle search, where they are the usual way to name a type.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "bot"

# The layers, lowest first: a module may import its own layer and those below, never above.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("settings", ("bot.config", "bot.log_redaction", "bot.i18n")),
    ("quiz domain", ("bot.quiz",)),
    ("storage", ("bot.storage",)),
    (
        "games and library",
        (
            "bot.games",
            "bot.library",
            "bot.paraphrase_model",
            "bot.assignments",
            "bot.reports",
            "bot.importers",
            "bot.exporters",
        ),
    ),
    (
        "Discord, command line and terminal",
        (
            "bot.exts",
            "bot.app",
            "bot.cli",
            "bot.database_cli",
            "bot.catalogs",
            "bot.reports.cli",
            "bot.importers.cli",
            "bot.exporters.cli",
            "bot.terminal",
            "bot.__main__",
            "bot.web",
        ),
    ),
]
# Third-party packages a layer must not import.
FORBIDDEN = {
    "bot.quiz": ("discord", "sqlalchemy", "alembic", "asyncpg", "aiosqlite"),
    "bot.storage": ("discord",),
    "bot.games": ("discord",),
    "bot.library": ("discord",),
    "bot.paraphrase_model": ("discord", "sqlalchemy"),
    "bot.reports": ("discord",),
    "bot.importers": ("discord", "sqlalchemy"),
    "bot.exporters": ("discord", "sqlalchemy"),
}
EXTENSIONS = (
    "bot.exts.quiz",
    "bot.exts.learn",
    "bot.exts.scores",
    "bot.exts.chat",
    "bot.exts.classes",
)
SHARED_BY_EXTENSIONS = (
    "bot.exts.common",
    "bot.exts.rendering",
    "bot.exts.reviewing",
    "bot.exts.permissions",
    "bot.exts.errors",
    "bot.exts.translator",
)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # what it imports (a module, or a module's attribute: checked by prefix)
    line: int
    type_only: bool  # under `if TYPE_CHECKING:`


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path) -> Iterator[Import]:
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def visit(node: ast.AST, type_only: bool) -> Iterator[Import]:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from visit(child, True)
            for child in node.orelse:
                yield from visit(child, type_only)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno, type_only)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield Import(module, f"{base}.{alias.name}", node.lineno, type_only)
        for child in ast.iter_child_nodes(node):
            yield from visit(child, type_only)

    yield from visit(tree, False)


ALL_IMPORTS = [i for path in sorted(PACKAGE.rglob("*.py")) for i in imports_of(path)]
MODULES = {module_name(p) for p in PACKAGE.rglob("*.py")}


def within(name: str, prefixes: tuple[str, ...] | str) -> bool:
    prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def layer_of(name: str) -> int | None:
    """The layer of the longest prefix that names the module."""
    found = [
        (len(prefix), rank)
        for rank, (_, prefixes) in enumerate(LAYERS)
        for prefix in prefixes
        if within(name, prefix)
    ]
    return max(found)[1] if found else None


def resolve(target: str) -> str | None:
    """The module of bot/ that an import target names (`bot.x.y` or attribute `y` of bot.x)."""
    while target:
        if target in MODULES:
            return target
        target = target.rpartition(".")[0]
    return None


def describe(i: Import) -> str:
    return f"{i.module} (line {i.line}) imports {i.target}"


def test_every_module_has_a_layer() -> None:
    assert [m for m in sorted(MODULES) if m != "bot" and layer_of(m) is None] == []


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = []
    for i in ALL_IMPORTS:
        target = resolve(i.target)
        if target is None or target == "bot":
            continue
        here, there = layer_of(i.module), layer_of(target)
        if here is not None and there is not None and there > here:
            upward.append(f"{describe(i)}: {LAYERS[here][0]} below {LAYERS[there][0]}")
    assert upward == []


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_keep_off_the_packages_they_must_not_know(layer: str) -> None:
    assert [
        describe(i)
        for i in ALL_IMPORTS
        if within(i.module, layer) and within(i.target, FORBIDDEN[layer])
    ] == []


def test_nothing_in_bot_imports_the_tests() -> None:
    assert [describe(i) for i in ALL_IMPORTS if within(i.target, "tests")] == []


def test_extensions_stand_on_their_own() -> None:
    """The shared modules import no extension; an extension imports no other extension's
    private modules (public ones, such as the quiz's components, it may)."""
    wrong = []
    for i in ALL_IMPORTS:
        target = resolve(i.target) or i.target
        if within(i.module, SHARED_BY_EXTENSIONS) and within(target, EXTENSIONS):
            wrong.append(describe(i))
        for extension in EXTENSIONS:
            private = any(part.startswith("_") for part in target.split(".")[-1:])
            if within(target, extension) and not within(i.module, extension) and private:
                wrong.append(describe(i))
    assert wrong == []


def test_no_import_cycles() -> None:
    """Among the imports that run (at import time or inside a function), none leads back
    to where it started."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for i in ALL_IMPORTS:
        target = resolve(i.target)
        if not i.type_only and target is not None and target != i.module:
            graph[i.module].add(target)
    # A package's __init__ importing its own submodules is not a cycle to untangle.
    for name in graph:
        graph[name] = {t for t in graph[name] if not within(t, name)}
    cycles, state = [], dict.fromkeys(graph, 0)  # 0 unseen, 1 on the path, 2 done

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state[nxt] == 1:
                cycles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif state[nxt] == 0:
                walk(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if state[start] == 0:
            walk(start, [start])
    assert cycles == []
