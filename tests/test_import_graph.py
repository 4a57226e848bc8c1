"""No import cycles: between modules, and between the apps (policypulse's top-level packages).

Read from the import graph grimp builds (the one import-linter checks in scripts/test), which
holds every import statement, function-local ones included: an import moved into a function
does not break a cycle, it only hides it. The failure lists every cycle with the lines that
close it. import-linter's `acyclic_siblings` contract does not see a package that imports its
own modules while they import it back; the module check here does."""

from __future__ import annotations

import textwrap

import grimp
import pytest


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles: each group of two or more nodes that all reach one another (Tarjan's
    algorithm, iterative), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return sorted(groups)


def module_edges(graph) -> dict[str, set[str]]:
    return {
        module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules
    }


def app_edges(graph, root: str) -> dict[str, set[str]]:
    """Imports between `root`'s top-level packages and modules (an app imports another if any
    of its modules does)."""

    def app(module: str) -> str:
        return ".".join(module.split(".")[:2])

    edges: dict[str, set[str]] = {}
    for importer, imported in module_edges(graph).items():
        for target in imported:
            if app(importer) != app(target) and target.startswith(root + "."):
                edges.setdefault(app(importer), set()).add(app(target))
    return edges


def describe(graph, group: list[str], edges: dict[str, set[str]]) -> str:
    """One cycle, with each import inside it: `importer:line imported   (the statement)`."""
    members = set(group)
    lines = [" <-> ".join(group)]
    for importer in group:
        for imported in sorted(edges.get(importer, set()) & members):
            details = _details(graph, importer, imported)
            lines += [f"    {d['importer']}:{d['line_number']} {d['line_contents']}"
                      for d in details] or [f"    {importer} -> {imported}"]  # fmt: skip
    return "\n".join(dict.fromkeys(lines))


def _details(graph, importer: str, imported: str) -> list[dict]:
    """The import statements behind an edge (for an app edge: every module pair in it)."""
    if graph.direct_import_exists(importer=importer, imported=imported):
        return graph.get_import_details(importer=importer, imported=imported)
    return [
        detail
        for pair in graph.find_matching_direct_imports(
            import_expression=f"{importer}.** -> {imported}.**"
        )  # an app edge: show the module imports behind it
        for detail in graph.get_import_details(**pair)
    ]


def report(graph, edges: dict[str, set[str]]) -> str:
    groups = strongly_connected(edges)
    return "\n\n".join(describe(graph, group, edges) for group in groups)


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("policypulse", cache_dir=None)


def test_no_module_is_in_an_import_cycle(graph):
    cycles = report(graph, module_edges(graph))
    if cycles:
        pytest.fail(f"import cycles between modules:\n{cycles}", pytrace=False)


def test_no_app_is_in_an_import_cycle(graph):
    cycles = report(graph, app_edges(graph, "policypulse"))
    if cycles:
        pytest.fail(f"import cycles between apps:\n{cycles}", pytrace=False)


def _package(root, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_the_check_sees_a_cycle_closed_by_a_function_local_import(tmp_path, monkeypatch):
    _package(tmp_path / "lazycycle", {
        "__init__.py": "",
        "a.py": "from lazycycle import b\n",
        "b.py": "def late():\n    from lazycycle import a\n    return a\n",
        "c.py": "from lazycycle import a\n",
    })  # fmt: skip
    monkeypatch.syspath_prepend(str(tmp_path))

    lazy = grimp.build_graph("lazycycle", cache_dir=None)

    assert strongly_connected(module_edges(lazy)) == [["lazycycle.a", "lazycycle.b"]]
    assert "lazycycle.b:2 from lazycycle import a" in report(lazy, module_edges(lazy))


def test_the_check_sees_cycles_between_apps_and_with_a_package_init(tmp_path, monkeypatch):
    _package(tmp_path / "appcycle", {
        "__init__.py": "",
        "one/__init__.py": "from appcycle.one import commands\n",
        "one/commands.py": "import appcycle.one\n",
        "one/core.py": "from appcycle.two import tools\n",
        "two/__init__.py": "",
        "two/tools.py": "def late():\n    import appcycle.one.commands\n",
    })  # fmt: skip
    monkeypatch.syspath_prepend(str(tmp_path))

    apps = grimp.build_graph("appcycle", cache_dir=None)

    assert strongly_connected(module_edges(apps)) == [["appcycle.one", "appcycle.one.commands"]]
    assert strongly_connected(app_edges(apps, "appcycle")) == [["appcycle.one", "appcycle.two"]]
    assert "appcycle.two.tools:2 import appcycle.one.commands" in report(
        apps, app_edges(apps, "appcycle")
    )
