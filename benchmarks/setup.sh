#!/usr/bin/env bash
# Creates (or brings up to date) the benchmark venv .venv-bench: torch (CPU wheel) first, then
# numpy/scipy/matplotlib at the lock's versions, then dlmath (editable, no dependencies), then the
# pinned peers of benchmarks/requirements.txt (no dependencies). Safe to run again: it does
# nothing when the venv is newer than its inputs.
#
#   bash benchmarks/setup.sh && .venv-bench/bin/python benchmarks/run.py
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv-bench
PY=$VENV/bin/python
STAMP=$VENV/.bench-installed
INPUTS=(benchmarks/requirements.txt benchmarks/setup.sh requirements/lock.txt requirements/torch-cpu.txt pyproject.toml)

up_to_date() {
    [ -f "$STAMP" ] || return 1
    local f
    for f in "${INPUTS[@]}"; do
        [ "$f" -nt "$STAMP" ] && return 1
    done
    return 0
}

# torch must stay the 2.13.0 CPU wheel, and no CUDA runtime (nvidia-*) may have come in
check_torch() {
    "$PY" - <<'EOF'
import sys
from importlib import metadata
version = metadata.version("torch")
nvidia = sorted(d.metadata["Name"] for d in metadata.distributions()
                if (d.metadata["Name"] or "").lower().startswith("nvidia"))
if not version.startswith("2.13.0") or nvidia:
    sys.exit(f"setup.sh: expected the torch 2.13.0 CPU wheel and no nvidia-* packages, got torch {version}, {nvidia}")
EOF
}

if up_to_date; then
    echo "$VENV is up to date"
    exit 0
fi

[ -x "$PY" ] || "$PYTHON" -m venv "$VENV"
# 1. torch first, pinned to the CPU wheel (a loose torch requirement pulls a multi-GB CUDA build)
"$PY" -m pip install -q -r requirements/torch-cpu.txt
check_torch
# 2. numpy, scipy, matplotlib (and their dependencies) at the versions of the lock file
"$PY" -m pip install -q -c requirements/lock.txt numpy scipy matplotlib
check_torch
# 3. dlmath itself, editable, without touching its dependencies
"$PY" -m pip install -q --no-deps -e .
# 4. the peers, pinned with their whole dependency closure, no resolution (see requirements.txt)
"$PY" -m pip install -q --no-deps -r benchmarks/requirements.txt
check_torch

# smoke test: every peer imports the way run.py imports it
DDE_BACKEND=pytorch PYTHONWARNINGS=ignore "$PY" - <<'EOF'
import contextlib, io, sys, types
import torch, numpy, dlmath
import scipy.special
if not hasattr(scipy.special, "sph_harm"):
    scipy.special.sph_harm = None  # kymatio 0.3.0 imports it; its 1-D transform does not use it
import kymatio.torch
sys.modules.setdefault("neural_tangents.experimental", types.ModuleType("neural_tangents.experimental"))
import jax, neural_tangents.stax
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    import deepxde
assert deepxde.backend.backend_name == "pytorch", deepxde.backend.backend_name
print(f"torch {torch.__version__}, numpy {numpy.__version__}, dlmath {dlmath.__version__}, "
      f"deepxde {deepxde.__version__}, kymatio {kymatio.__version__}, jax {jax.__version__}, "
      f"neural-tangents {neural_tangents.__version__}")
EOF
touch "$STAMP"
echo "$VENV ready"
