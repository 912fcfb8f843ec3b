"""The layering of the packages: the simulator (and integer inference) imports without torch."""

import subprocess
import sys

PROBE = """
import importlib, pkgutil, sys
import simulator
names = [m.name for m in pkgutil.walk_packages(simulator.__path__, "simulator.")]
for name in names:
    importlib.import_module(name)
loaded = sorted(n for n in sys.modules if n.split(".")[0] in ("torch", "compress", "reports", "cnnacc"))
print(len(names), loaded)
"""


def test_every_simulator_module_imports_without_torch_or_upper_layers():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    count, loaded = result.stdout.split(" ", 1)
    assert int(count) >= 20  # every module of simulator/ and simulator/timing/units/
    assert loaded.strip() == "[]"


def test_no_import_cycle_between_project_modules():
    """grimp (import-linter's graph) over every module, imports inside functions included;
    an import under TYPE_CHECKING is an annotation, not a dependency."""
    import grimp

    graph = grimp.build_graph("cnnacc", "reports", "compress", "simulator", exclude_type_checking_imports=True)
    cycles = {
        tuple(chain)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if (chain := graph.find_shortest_chain(importer=imported, imported=importer))
    }
    assert cycles == set()
    assert len(graph.modules) > 50
