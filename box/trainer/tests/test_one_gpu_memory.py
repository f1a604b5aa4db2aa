"""The one-GPU memory table in box/README.md is the tool's output, with run_one_gpu.sh's settings."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from test_launch_scripts import dry_run, flag_value, train_py_argv

TRAINER = Path(__file__).resolve().parents[1]
README = TRAINER.parent / "README.md"


def load_tool():
    spec = importlib.util.spec_from_file_location("one_gpu_memory", TRAINER / "tools" / "one_gpu_memory.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


tool = load_tool()


def test_the_readme_shows_the_table_the_tool_computes():
    readme = README.read_text(encoding="utf-8")
    assert tool.table() in readme
    assert "Computed, not measured" in readme


@pytest.mark.parametrize(
    ("name", "published_billions"),
    [("0.6B", 0.6), ("1.7B", 1.7), ("4B", 4.0), ("8B", 8.2), ("14B", 14.8), ("32B", 32.8)],
)
def test_parameter_counts_match_the_published_model_sizes(name, published_billions):
    model = next(m for m in tool.MODELS if m.name == name)
    assert model.params / 1e9 == pytest.approx(published_billions, rel=0.03)


def test_the_table_assumes_the_scripts_defaults():
    argv = train_py_argv(dry_run("run_one_gpu.sh").stdout.splitlines()[1:])
    assert int(flag_value(argv, "--max-tokens-per-gpu")) == tool.MAX_TOKENS_PER_GPU
    assert float(flag_value(argv, "--sglang-mem-fraction-static")) == tool.SGLANG_MEM_FRACTION
    assert int(flag_value(argv, "--rollout-max-context-len")) == tool.CONTEXT_TOKENS
    assert flag_value(argv, "--recompute-granularity") == "full"
    assert "--accumulate-allreduce-grads-in-fp32" in argv  # the fp32 gradient buffer (4 bytes a parameter)
    assert "--optimizer-cpu-offload" in argv  # the default column


def test_offloading_adam_is_what_lets_mid_sizes_fit():
    four_b = next(m for m in tool.MODELS if m.name == "4B")
    assert tool.fit(four_b, 48) == "yes"
    assert tool.training_gib(four_b, optimizer_on_gpu=True) > 0.95 * 48
    assert tool.fit(four_b, 24) == "no"
