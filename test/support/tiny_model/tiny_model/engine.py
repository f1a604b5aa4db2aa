"""The tiny model behind the SGLang HTTP subset the box gateway uses.

    python3 -m tiny_model.engine --model-path DIR [--port 0] [--host 127.0.0.1] [--api-key K]
                                 [--served-model-name NAME] [--seed 0] [--exit-on-stdin-close]

Routes: GET /health, /health_generate, /get_model_info, /get_server_info, /v1/models;
POST /generate, /v1/chat/completions, /update_weights_from_disk, /flush_cache. With --api-key every
route but /health* needs `Authorization: Bearer K`. SGLANG_RETURN_ORIGINAL_LOGPROB=1 makes sampled
tokens' log-probs raw, as in SGLang. Prints `tiny engine ready at http://HOST:PORT` once it listens.
"""

from __future__ import annotations

import argparse
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import torch

from .chat_route import ChatCompletion
from .engine_state import EngineState, WeightLoadError
from .generate_route import handle_generate
from .http_errors import HttpError, error_body
from .parent_watch import exit_when_stdin_closes

ENGINE_VERSION = "0.5.0-apprentice-tiny-engine"
MAX_BODY_BYTES = 16 * 1024 * 1024


def make_handler(state: EngineState, api_key: str | None, started_at: float) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "tiny-engine"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet like a server under test
            return

        # ---- plumbing ------------------------------------------------------------------------

        def _send_json(self, status: int, body: object) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _send_text(self, status: int, text: str) -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _send_events(self, payloads) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for payload in [*(f"data: {json.dumps(p)}\n\n" for p in payloads), "data: [DONE]\n\n"]:
                data = payload.encode("utf-8")
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")

        def _body(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                raise HttpError(400, "request body too large")
            raw = self.rfile.read(length) if length else b""
            if not raw.strip():
                return {}
            try:
                body = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise HttpError(400, f"request body is not valid JSON: {exc}") from exc
            if not isinstance(body, dict):
                raise HttpError(400, "request body must be a JSON object")
            return body

        def _authorized(self, path: str) -> bool:
            return api_key is None or path.startswith("/health") or self.headers.get("Authorization") == f"Bearer {api_key}"

        def _dispatch(self, method: str) -> None:
            path = self.path.split("?", 1)[0]
            try:
                body = self._body() if method == "POST" else {}
                if not self._authorized(path):
                    return self._send_json(401, {"error": "Unauthorized"})
                route = ROUTES.get((method, path))
                if route is None:
                    raise HttpError(404, f"no route {method} {path}")
                route(self, body)
            except HttpError as exc:
                self._send_json(exc.status, error_body(exc.status, exc.message))
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            except Exception as exc:  # noqa: BLE001 - a server answers every request
                self._send_json(500, error_body(500, f"{type(exc).__name__}: {exc}"))

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._dispatch("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._dispatch("POST")

        # ---- routes --------------------------------------------------------------------------

        def health(self, _body: dict) -> None:
            self._send_text(200, "")

        def model_info(self, _body: dict) -> None:
            self._send_json(
                200,
                {
                    "model_path": state.model_path,
                    "tokenizer_path": state.tokenizer_path,
                    "is_generation": True,
                    "preferred_sampling_params": None,
                    "weight_version": state.weight_version,
                    "has_image_understanding": False,
                    "has_audio_understanding": False,
                },
            )

        def server_info(self, _body: dict) -> None:
            self._send_json(
                200,
                {
                    "model_path": state.model_path,
                    "tokenizer_path": state.tokenizer_path,
                    "served_model_name": state.served_model_name,
                    "context_length": state.context_length,
                    "weight_version": state.weight_version,
                    "version": ENGINE_VERSION,
                },
            )

        def models(self, _body: dict) -> None:
            self._send_json(
                200,
                {
                    "object": "list",
                    "data": [
                        {
                            "id": state.served_model_name,
                            "object": "model",
                            "created": int(started_at),
                            "owned_by": "sglang",
                            "root": state.model_path,
                            "max_model_len": state.context_length,
                        }
                    ],
                },
            )

        def generate(self, body: dict) -> None:
            self._send_json(200, handle_generate(state, body))

        def chat(self, body: dict) -> None:
            completion = ChatCompletion(state, body)
            completion.run()
            if completion.stream:
                self._send_events(completion.events())
            else:
                self._send_json(200, completion.json())

        def update_weights(self, body: dict) -> None:
            path = body.get("model_path")
            version = body.get("weight_version")
            if not isinstance(path, str) or not path:
                raise HttpError(400, "model_path must be the folder of the new weights")
            if version is not None and not isinstance(version, str):
                raise HttpError(400, "weight_version must be a string")
            try:
                state.load_weights(path, version)
            except WeightLoadError as exc:
                return self._send_json(400, {"success": False, "message": str(exc), "num_paused_requests": 0})
            self._send_json(200, {"success": True, "message": "Succeeded to update model weights.", "num_paused_requests": 0})

        def flush_cache(self, _body: dict) -> None:
            self._send_text(200, "Cache flushed.")

    ROUTES = {
        ("GET", "/health"): Handler.health,
        ("GET", "/health_generate"): Handler.health,
        ("GET", "/get_model_info"): Handler.model_info,
        ("GET", "/get_server_info"): Handler.server_info,
        ("GET", "/v1/models"): Handler.models,
        ("POST", "/generate"): Handler.generate,
        ("POST", "/v1/chat/completions"): Handler.chat,
        ("POST", "/update_weights_from_disk"): Handler.update_weights,
        ("POST", "/flush_cache"): Handler.flush_cache,
        ("GET", "/flush_cache"): Handler.flush_cache,
    }
    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-path", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=30000)
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--served-model-name", default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--exit-on-stdin-close", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.exit_on_stdin_close:
        exit_when_stdin_closes()
    state = EngineState.open(args.model_path, args.served_model_name, args.seed)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(state, args.api_key, time.time()))
    server.daemon_threads = True
    host, port = server.server_address[:2]
    print(f"tiny engine ready at http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
