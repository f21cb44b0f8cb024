"""The package's shape: imports cost only what is used, no import cycle, and names reachable by their paths."""

import json
import subprocess
import sys

import grimp

HEAVY = ("torch", "presidio_analyzer", "presidio_anonymizer", "sdv", "sdmetrics", "spacy", "transformers",
         "sklearn", "great_expectations", "ray", "mostlyai", "faker", "pandas")


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_synthguard_and_the_cli_help_load_no_heavy_library():
    assert _loaded_after("import synthguard; synthguard.__version__; synthguard.PolicyError") == []
    for flag in ("--version", "--help"):
        code = ("import sys\nfrom synthguard.cli import main\n"
                f"try:\n    main([{flag!r}])\nexcept SystemExit as done:\n    assert done.code == 0\n")
        assert _loaded_after(code) == [], flag


def test_parsing_a_policy_without_text_or_rules_loads_no_model_library():
    loaded = _loaded_after("from synthguard.policy import parse_policy\nparse_policy({'name': 'p'})")
    assert not {"torch", "presidio_analyzer", "sdv", "spacy", "transformers", "great_expectations"} & set(loaded)


def test_the_import_graph_has_no_cycle():
    graph = grimp.build_graph("synthguard", exclude_type_checking_imports=True)
    modules = sorted(graph.modules)
    order, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        order[module] = low[module] = counter[0]
        counter[0] += 1
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in modules:
        if module not in order:
            visit(module)
    assert len(modules) > 100 and cycles == []


def test_the_scrub_package_is_callable_and_its_submodules_import_by_path():
    code = ("import synthguard.scrub.recognizers as r\nimport synthguard\n"
            "assert callable(synthguard.scrub) and synthguard.scrub.recognizers is r\n"
            "assert 'MedicalRecordNumberRecognizer' in r.RECOGNIZERS")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)


def test_an_underscore_module_is_imported_only_inside_its_own_package():
    """An underscore means private to the package (shared measures live in ``synthguard.measures``)."""
    graph = grimp.build_graph("synthguard", exclude_type_checking_imports=True)
    crossing = []
    for module in graph.modules:
        parts = module.split(".")
        private = next((i for i, part in enumerate(parts) if part.startswith("_") and part != "__init__"), None)
        if private is None:
            continue
        owner = ".".join(parts[:private])
        crossing += [f"{importer} -> {module}" for importer in graph.find_modules_that_directly_import(module)
                     if importer != owner and not importer.startswith(owner + ".")]
    assert crossing == []
