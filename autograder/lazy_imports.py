"""Importing one module of a package whose __init__.py imports far more than that module needs.

nbconvert's init imports every exporter, nbformat's the notebook validator and jsonschema, nbgrader's
its server extensions: start-up that the grading coordinator pays on its one thread for nothing
(`sanitise` needs one renderer module of nbconvert, `gradebook` nbgrader's models). The package's init
still runs, in full, the first time anything asks it for something else.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import threading
import types


class _DeferredPackage(types.ModuleType):
    """A package whose __init__.py runs when an attribute it lacks is first asked for. Its submodules
    import without it (`from . import x` too), so the init never runs in the middle of importing one
    (which could change the import order into a circular import); anything else gets all of it."""

    _lock = threading.RLock()  # another thread waits for the init, as it would for an import

    def __getattr__(self, name):
        if not name.startswith("__"):
            full = f"{self.__name__}.{name}"
            if full in sys.modules or importlib.machinery.PathFinder.find_spec(full, self.__path__) is not None:
                return importlib.import_module(full)
        with self._lock:
            init = self.__dict__.pop("_deferred_init", None)
            if init is not None:
                init(self)
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}") from None


def import_deferring_packages(module: str, packages: tuple[str, ...]) -> types.ModuleType:
    """Import `module` without running the __init__.py of `packages` (parents first) until something
    uses them. For a module inside a package whose __init__ imports far more than it needs (nbconvert's
    imports every exporter; nbformat's the validator and jsonschema): start-up the grading coordinator
    pays on its one thread. A package already imported stays as it is."""
    for name in packages:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or spec.submodule_search_locations is None:
            continue  # not installed (the import below says so) or not a package
        package = importlib.util.module_from_spec(spec)
        package.__class__ = _DeferredPackage
        package._deferred_init = spec.loader.exec_module
        sys.modules[name] = package
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, package)
    return importlib.import_module(module)
