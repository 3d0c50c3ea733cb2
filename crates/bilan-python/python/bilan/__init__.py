"""bilan: the environmental footprint of AI systems under several accounting methods,
side by side, with every figure traceable.

    >>> import bilan
    >>> report = bilan.compare("examples/llama-3.1.toml")
    >>> report["comparison"]["indicators"][0]["rows"][0]["total"]

Every function runs bilan's command line in process and returns plain Python data
(dicts and lists following the JSON reports, see docs/report.md). An inventory is a path,
a TOML or JSON string, or a dict. Errors raise :class:`BilanError` subclasses carrying
the same file, line and key path as the command line.

The user's configuration (``~/.config/bilan/config.toml``, ``BILAN_*``) is not read
unless ``config=True``: a script gives the same figures on every machine.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
import warnings
from typing import Any, Iterable, Mapping, Optional, Union

from . import _native

__version__ = _native.__version__

__all__ = [
    "assess",
    "compare",
    "validate",
    "methods",
    "to_frame",
    "rows",
    "BilanError",
    "InventoryError",
    "UsageError",
    "AssessmentError",
    "BilanWarning",
]

Inventory = Union[str, "os.PathLike[str]", Mapping[str, Any]]


class BilanError(Exception):
    """A failure of bilan, with what the command line says of it.

    ``errors`` holds every problem as a dict (``kind``, ``message``, and for a file's
    problems ``file``, ``line``, ``key-path``); the first one's fields are attributes.
    """

    def __init__(self, errors: list, code: int):
        self.errors = errors
        self.code = code
        first = errors[0] if errors else {"message": "bilan failed"}
        self.kind = first.get("kind")
        self.file = first.get("file")
        self.line = first.get("line")
        self.key_path = first.get("key-path")
        self.message = first.get("message", "")
        super().__init__(_describe(first) + _more(errors))


class BilanWarning(UserWarning):
    """What bilan warns of without failing: an implausible value, a default applied."""


class InventoryError(BilanError):
    """An input file is invalid: syntax, unknown key, unit, reference (exit code 2)."""


class UsageError(BilanError):
    """The call is not valid: an unknown method, a parameter no method has (exit code 2)."""


class AssessmentError(BilanError):
    """A method failed on a valid inventory (exit code 1); ``report`` holds what was
    reported for the others."""

    def __init__(self, errors: list, code: int, report: Any = None):
        super().__init__(errors, code)
        self.report = report


def _describe(error: Mapping[str, Any]) -> str:
    where = ""
    if error.get("file"):
        where = str(error["file"])
        if error.get("line"):
            where += f":{error['line']}"
        where += ": "
    if error.get("key-path"):
        where += f"{error['key-path']}: "
    if error.get("method"):
        where += f"{error['method']}: "
    return where + str(error.get("message", ""))


def _more(errors: list) -> str:
    n = len(errors) - 1
    return "" if n <= 0 else f" (and {n} more problem{'s' if n > 1 else ''})"


def _json_value(value: Any) -> Any:
    """Dates and times (as ``tomllib`` reads them) in the form inventories write them."""
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a value an inventory holds")


class _Input:
    """An inventory as a path for the command line: a string or dict is written to a
    temporary file, whose name in errors is replaced by ``<string>`` or ``<dict>``."""

    def __init__(self, inventory: Inventory):
        self.dir: Optional[tempfile.TemporaryDirectory] = None
        self.label: Optional[str] = None
        if isinstance(inventory, Mapping):
            text = json.dumps(inventory, default=_json_value)
            self.path = self._write(text, "inventory.json", "<dict>")
        elif isinstance(inventory, os.PathLike):
            self.path = os.fspath(inventory)
        elif isinstance(inventory, str):
            text = inventory.strip()
            if os.path.exists(inventory):
                self.path = inventory
            elif "\n" in text or text.startswith("{") or "=" in text:
                name = "inventory.json" if text.startswith("{") else "inventory.toml"
                self.path = self._write(inventory, name, "<string>")
            else:
                self.path = inventory
        else:
            raise TypeError(
                "an inventory is a path, a TOML or JSON string, or a dict; "
                f"got {type(inventory).__name__}"
            )

    def _write(self, text: str, name: str, label: str) -> str:
        self.dir = tempfile.TemporaryDirectory(prefix="bilan-")
        path = os.path.join(self.dir.name, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        self.label = label
        return path

    def relabel(self, error: dict) -> dict:
        if self.label and error.get("file") == self.path:
            error = dict(error, file=self.label)
        return error

    def close(self) -> None:
        if self.dir is not None:
            self.dir.cleanup()

    def __enter__(self) -> "_Input":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _run(args: list, config: bool, inputs: Iterable[_Input] = ()) -> tuple:
    argv = ["--error-format", "json"]
    if not config:
        argv.append("--no-config")
    code, out, err = _native.run(argv + [str(a) for a in args])
    errors, other = [], []
    for line in err.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                error = json.loads(line)
            except ValueError:
                error = {"kind": "other", "message": line}
            for i in inputs:
                error = i.relabel(error)
            errors.append(error)
        elif line.startswith("warning: "):
            text = line[len("warning: "):]
            for i in inputs:
                if i.label:
                    text = text.replace(i.path, i.label)
            warnings.warn(text, BilanWarning, stacklevel=4)
        else:
            other.append(line)
    if code != 0 and not errors:
        errors = [{"kind": "other", "message": line} for line in other]
    return code, out, errors


def _raise(code: int, errors: list, report: Any = None) -> None:
    kinds = {e.get("kind") for e in errors}
    if code == 1:
        raise AssessmentError(errors, code, report)
    if "input" in kinds:
        raise InventoryError(errors, code)
    raise UsageError(errors, code)


def _method_args(methods: Union[None, str, Iterable[str]], params: Optional[Mapping[str, Any]]) -> list:
    args = []
    if isinstance(methods, str):
        methods = [methods]
    for m in methods or []:
        args += ["-m", m]
    for key, value in (params or {}).items():
        args += ["-p", f"{key}={value}"]
    return args


def _report(command: str, inventory: Inventory, methods, params, config: bool, extra: list) -> Any:
    with _Input(inventory) as i:
        code, out, errors = _run(
            [command, i.path, "-f", "json", *_method_args(methods, params), *extra],
            config,
            [i],
        )
    if code != 0:
        try:
            report = json.loads(out) if out.strip() else None
        except ValueError:
            report = None
        _raise(code, errors, report)
    return json.loads(out)


def assess(
    inventory: Inventory,
    methods: Union[None, str, Iterable[str]] = None,
    params: Optional[Mapping[str, Any]] = None,
    *,
    trail: str = "full",
    config: bool = False,
) -> Any:
    """Each method's own report on ``inventory`` (``bilan assess -f json``).

    ``methods``: method ids (default: every available method); ``params``: parameters,
    ``{"default-pue": 1.3}`` or ``{"sci:default-lifetime": "4 years"}``.
    """
    return _report("assess", inventory, methods, params, config, ["--trail", trail])


def compare(
    inventory: Inventory,
    methods: Union[None, str, Iterable[str]] = None,
    params: Optional[Mapping[str, Any]] = None,
    *,
    trail: str = "none",
    config: bool = False,
) -> Any:
    """The methods side by side on ``inventory``, with the divergence of every pair by
    driver (``bilan compare -f json``). ``trail`` is ``none`` (figures only, the
    default), ``summary`` or ``full``."""
    return _report("compare", inventory, methods, params, config, ["--trail", trail])


def validate(inventory: Inventory, *, config: bool = False) -> dict:
    """Checks ``inventory`` (syntax, unknown keys, units, references); returns
    ``{"valid": True, "summary": ...}`` or raises :class:`InventoryError`."""
    with _Input(inventory) as i:
        code, out, errors = _run(["validate", i.path], config, [i])
    if code != 0:
        _raise(code, errors)
    summary = out.strip()
    if i.label:
        summary = summary.replace(i.path, i.label)
    return {"valid": True, "summary": summary}


def methods(*, config: bool = False) -> list:
    """The available methods with their versions, indicators and parameters."""
    code, out, errors = _run(["methods", "-f", "json"], config)
    if code != 0:
        _raise(code, errors)
    return json.loads(out)


def to_frame(result: Any):
    """A comparison's figures as a pandas DataFrame, one row per indicator and method
    (``indicator``, ``method``, ``total``, ``unit``, and one column per stage), from
    :func:`compare`'s result. Needs pandas (``pip install bilan[pandas]``)."""
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_frame needs pandas: pip install pandas") from e
    return pandas.DataFrame(rows(result))


def rows(result: Any) -> list:
    """:func:`to_frame`'s rows as plain dicts, without pandas."""
    comparison = result.get("comparison", result) if isinstance(result, Mapping) else None
    if not isinstance(comparison, Mapping) or "indicators" not in comparison:
        raise ValueError("expected the result of bilan.compare (a comparison report)")
    out = []
    for indicator in comparison["indicators"]:
        for row in indicator["rows"]:
            record = {
                "indicator": indicator["indicator"],
                "method": row["method"],
                "total": row.get("total"),
                "unit": indicator.get("unit"),
            }
            for stage, value in (row.get("by-stage") or {}).items():
                record[stage] = value
            out.append(record)
    return out
