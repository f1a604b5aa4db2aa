"""Starts the real SGLang test engine and the real box gateway as child processes (npx tsx), for tests.

Each process runs in its own process group so teardown stops npx and the node child it spawned.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT_S = 90.0  # tsx compiles on first start; a loaded 2-core machine is slow


@dataclass
class ChildProcess:
    name: str
    process: subprocess.Popen
    lines: "queue.Queue[str | None]" = field(default_factory=queue.Queue)
    output: list[str] = field(default_factory=list)

    def wait_for_line(self, pattern: str, timeout_s: float = START_TIMEOUT_S) -> re.Match:
        regex = re.compile(pattern)
        while True:
            try:
                line = self.lines.get(timeout=timeout_s)
            except queue.Empty:
                raise TimeoutError(f"{self.name} printed no line matching {pattern!r} in {timeout_s}s:\n{self.log()}")
            if line is None:
                raise RuntimeError(f"{self.name} exited with {self.process.wait()} before it was ready:\n{self.log()}")
            match = regex.search(line)
            if match:
                return match

    def log(self) -> str:
        return "".join(self.output[-60:])

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        if self.process.stdin:
            self.process.stdin.close()


def start_child(name: str, argv: list[str], env: dict[str, str] | None = None) -> ChildProcess:
    process = subprocess.Popen(
        argv,
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    child = ChildProcess(name, process)

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            child.output.append(line)
            child.lines.put(line)
        child.lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return child


def start_sglang_test_engine(*extra_args: str) -> tuple[ChildProcess, str]:
    """`extra_args`: more sglang-test-engine-cli.ts flags, e.g. --reply TEXT --token-latency-ms N."""
    child = start_child(
        "SGLang test engine",
        # --original-logprobs: launched like the box README's policy SGLang (SGLANG_RETURN_ORIGINAL_LOGPROB=1).
        ["npx", "tsx", "test/support/sglang-test-engine-cli.ts", "--port", "0", "--exit-on-stdin-close", "--original-logprobs",
         *extra_args],
    )
    url = child.wait_for_line(r"SGLang test engine ready at (http://\S+)").group(1)
    return child, url


def start_gateway(
    sglang_url: str, token: str, data_dir: Path, env: dict[str, str] | None = None
) -> tuple[ChildProcess, str]:
    child = start_child(
        "box gateway",
        ["npx", "tsx", "box/main.ts", "--sglang", sglang_url, "--port", "0", "--token", token,
         "--data-dir", str(data_dir)],
        env,
    )
    url = child.wait_for_line(r"Apprentice box gateway listening on (http://\S+)").group(1)
    return child, url.rstrip("/")


def send_samples(gateway_url: str, token: str, samples: list[dict], *extra: str, timeout_s: float = 90.0) -> dict:
    """Delivers SignalSamples like the app does (ws /v1/stream) via test/support/send-samples.ts."""
    result = subprocess.run(
        ["npx", "tsx", "test/support/send-samples.ts", "--url", gateway_url, "--token", token, *extra],
        cwd=REPO_ROOT,
        input=json.dumps(samples),
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"send-samples printed no result (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    outcome = json.loads(lines[-1])
    outcome["exit_code"] = result.returncode
    return outcome
