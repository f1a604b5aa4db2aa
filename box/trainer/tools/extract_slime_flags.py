"""Writes the command-line flag names a slime checkout accepts, one per line, for the launch-script check.

    /usr/bin/python3 box/trainer/tools/extract_slime_flags.py upstream \
        --slime /path/to/slime@624b824 --megatron /path/to/Megatron-LM@1dcf0da \
        --sglang-server-flag mem-fraction-static --out box/trainer/slime_flags/thudm-slime-624b824.txt
    /usr/bin/python3 box/trainer/tools/extract_slime_flags.py fsdp-fork \
        --slime /path/to/OpenClaw-RL/slime --out box/trainer/slime_flags/openclaw-rl-slime-0d034dd.txt

Why a list at all: slime's parse_args hands Megatron's parser `ignore_unknown_args=True`, so a flag
slime does not know is dropped without a word and the run silently trains with a default.

How: the checkouts are imported (never copied) with every argparse option string recorded while
slime's own parser-building functions run: Megatron-LM's add_megatron_arguments, slime's extra args
provider, its pre-parse flags and its SGLang router flags. Modules a CPU box lacks (ray, sglang,
transformer_engine, parts of torch.distributed) are replaced by empty stand-ins, which only matters
for code that runs at import time; no argument is defined there except SGLang's own ServerArgs, whose
`--sglang-<name>` flags slime derives at run time. SGLang's source is not read here: name the
ServerArgs flags a script passes with --sglang-server-flag after checking them in SGLang's
server_args.py, and they are listed with the prefix (marked in the file's header).
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import traceback
import types
from pathlib import Path

RECORDED: set[str] = set()
_original_add_argument = argparse._ActionsContainer.add_argument  # type: ignore[attr-defined]


def _recording_add_argument(self, *args, **kwargs):  # noqa: ANN001 - argparse's own signature
    action = _original_add_argument(self, *args, **kwargs)
    RECORDED.update(s for s in action.option_strings if s.startswith("--"))
    return action


class _Anything:
    """Stands in for any attribute of a module this machine cannot import."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return _Anything()

    def __getattr__(self, name: str):
        return _Anything()

    def __mro_entries__(self, bases):
        return (object,)

    def __iter__(self):
        return iter(())

    def __bool__(self) -> bool:
        return False


class _StandInModule(types.ModuleType):
    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Anything()


def _stand_in(name: str, replaced: list[str]) -> None:
    module = _StandInModule(name)
    module.__path__ = []  # importable as a package, so `from name.sub import x` works too
    sys.modules[name] = module
    replaced.append(name)


def import_with_stand_ins(module_name: str, roots: list[Path], own_prefixes: tuple[str, ...]) -> types.ModuleType:
    """Imports `module_name`; each module that fails to import is replaced by a stand-in and the import
    retried. A failure inside the checkouts' own code replaces the deepest own module on the stack."""
    for root in roots:
        sys.path.insert(0, str(root))
    replaced: list[str] = []
    root_pattern = "|".join(re.escape(str(r)) for r in roots)
    loaded_before = set(sys.modules)
    for _ in range(300):
        # A half-imported module must be imported again after a stand-in replaced what it needed.
        for name in [n for n in sys.modules if n.startswith(own_prefixes) and n not in replaced and n not in loaded_before]:
            del sys.modules[name]
        try:
            return importlib.import_module(module_name)
        except Exception as error:  # noqa: BLE001 - any import-time failure gets a stand-in
            if isinstance(error, ModuleNotFoundError) and error.name and not error.name.startswith(own_prefixes):
                _stand_in(error.name, replaced)
                continue
            own = []
            for frame in traceback.extract_tb(error.__traceback__):
                match = re.search(rf"(?:{root_pattern})/(.+)\.py$", frame.filename)
                if match:
                    own.append(match.group(1).replace("/", ".").removesuffix(".__init__"))
            if not own or own[-1] == module_name or own[-1] in replaced:
                raise
            _stand_in(own[-1], replaced)
    raise RuntimeError(f"gave up importing {module_name}")


def upstream_flags(slime: Path, megatron: Path) -> set[str]:
    """THUDM/slime with Megatron: what train.py's parse_args can accept."""
    megatron_arguments = import_with_stand_ins("megatron.training.arguments", [megatron], ("megatron",))
    slime_arguments = import_with_stand_ins("slime.utils.arguments", [slime], ("slime",))
    sglang_arguments = import_with_stand_ins("slime.backends.sglang_utils.arguments", [slime], ("slime",))
    parser = argparse.ArgumentParser(allow_abbrev=False)
    megatron_arguments.add_megatron_arguments(parser)
    slime_arguments.get_slime_extra_args_provider()(parser)  # the order parse_args uses
    sglang_arguments.add_sglang_arguments(argparse.ArgumentParser(allow_abbrev=False))
    argv, sys.argv = sys.argv, [sys.argv[0]]
    try:
        slime_arguments._pre_parse_mode()  # --train-backend, --debug-*: parsed before everything else
    finally:
        sys.argv = argv
    return set(RECORDED)


def fsdp_fork_flags(slime: Path) -> set[str]:
    """A slime that still has the FSDP backend (OpenClaw-RL's): what `--train-backend fsdp` accepts."""
    slime_arguments = import_with_stand_ins("slime.utils.arguments", [slime], ("slime",))
    fsdp_arguments = import_with_stand_ins("slime.backends.fsdp_utils.arguments", [slime], ("slime",))
    argv, sys.argv = sys.argv, [sys.argv[0]]
    try:
        fsdp_arguments.parse_fsdp_cli(slime_arguments.get_slime_extra_args_provider())
    except SystemExit:
        pass  # the parser is complete; parsing an empty command line misses required flags
    finally:
        sys.argv = argv
    return set(RECORDED)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["upstream", "fsdp-fork"])
    parser.add_argument("--slime", type=Path, required=True)
    parser.add_argument("--megatron", type=Path)
    parser.add_argument("--sglang-server-flag", action="append", default=[], metavar="NAME")
    parser.add_argument("--source", required=True, help="one line naming the checkouts, for the header")
    parser.add_argument("--out", type=Path, required=True)
    options = parser.parse_args()
    argparse._ActionsContainer.add_argument = _recording_add_argument  # type: ignore[attr-defined]
    if options.kind == "upstream":
        if options.megatron is None:
            parser.error("upstream needs --megatron")
        flags = upstream_flags(options.slime.resolve(), options.megatron.resolve())
    else:
        flags = fsdp_fork_flags(options.slime.resolve())
    argparse._ActionsContainer.add_argument = _original_add_argument  # type: ignore[attr-defined]
    sglang = sorted(f"--sglang-{name.removeprefix('--')}" for name in options.sglang_server_flag)
    lines = [
        "# Flag names slime accepts, written by box/trainer/tools/extract_slime_flags.py; one per line.",
        f"# {options.source}",
    ]
    if sglang:
        lines.append("# SGLang ServerArgs flags (slime prefixes them with --sglang-), checked by hand in SGLang's")
        lines.append(f"# server_args.py, not extracted: {' '.join(sglang)}")
    lines += sorted(flags | set(sglang))
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(flags | set(sglang))} flags → {options.out}")


if __name__ == "__main__":
    main()
