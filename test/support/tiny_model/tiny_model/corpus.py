"""The synthetic pretraining corpus: dialogs drawn from world.json.

Without a hint every request is answered formally and casually equally often (styles alternate per
request and dialog kind); with a hint in the teacher prompt's format (the gateway's box/samples/teacher-prompt.ts: the hint appended to the last
user message after "\\n\\n[user's hint / instruction]\\n") the hinted style follows. Two-turn dialogs
teach the follow-ups (thanks → "You are welcome!", a correction → the reply again in the asked style,
the same request again → another reply), so replies to feedback stay short and sane.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .world import STYLES, World

HINT_MARKER = "\n\n[user's hint / instruction]\n"


@dataclass(frozen=True)
class Dialog:
    messages: tuple[dict[str, str], ...]  # system, user, assistant, ...; every assistant turn is trained


def reply_in_style(world: World, topic_index: int, style: str, rng: random.Random) -> str:
    topic = world.topics[topic_index]
    return f"{rng.choice(world.openers[style])} {topic.bodies[style]} {rng.choice(world.closers[style])}"


def other_style(style: str) -> str:
    return "formal" if style == "casual" else "casual"


def with_hint(request: str, hint: str) -> str:
    return request + HINT_MARKER + hint.strip()


class BalancedStyles:
    """Styles alternate per (dialog kind, topic), so each request is answered in each style equally
    often, not merely about equally often."""

    def __init__(self) -> None:
        self._next: dict[tuple[str, int], int] = {}

    def take(self, kind: str, topic: int) -> str:
        n = self._next.get((kind, topic), 0)
        self._next[(kind, topic)] = n + 1
        return STYLES[n % 2]


# Shares of the corpus: one-turn dialogs without and with a hint, then two-turn ones (thanks, a
# correction, the same request again).
KIND_SHARES = (("plain", 0.40), ("hinted", 0.40), ("thanks", 0.08), ("correction", 0.08), ("reask", 0.04))


def sample_dialog(world: World, rng: random.Random, styles: BalancedStyles) -> Dialog:
    t = rng.randrange(len(world.topics))
    request = rng.choice(world.topics[t].requests)
    system = {"role": "system", "content": world.system_prompt}
    kind = _kind(rng.random())
    style = styles.take(kind, t)
    if kind == "plain":
        return Dialog((system, {"role": "user", "content": request}, _assistant(reply_in_style(world, t, style, rng))))
    if kind == "hinted":
        hint = rng.choice(world.hints(style))
        return Dialog(
            (system, {"role": "user", "content": with_hint(request, hint)}, _assistant(reply_in_style(world, t, style, rng)))
        )
    first = {"role": "user", "content": request}
    if kind == "thanks":
        return Dialog(
            (
                system,
                first,
                _assistant(reply_in_style(world, t, style, rng)),
                {"role": "user", "content": rng.choice(world.thanks_user)},
                _assistant(rng.choice(world.thanks_assistant)),
            )
        )
    if kind == "correction":
        return Dialog(
            (
                system,
                first,
                _assistant(reply_in_style(world, t, other_style(style), rng)),
                {"role": "user", "content": rng.choice(world.corrections[style])},
                _assistant(reply_in_style(world, t, style, rng)),
            )
        )
    return Dialog(
        (
            system,
            first,
            _assistant(reply_in_style(world, t, style, rng)),
            {"role": "user", "content": rng.choice(world.topics[t].requests)},
            _assistant(reply_in_style(world, t, rng.choice(STYLES), rng)),
        )
    )


def _kind(draw: float) -> str:
    for name, share in KIND_SHARES:
        if draw < share:
            return name
        draw -= share
    return KIND_SHARES[-1][0]


def _assistant(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": text}


def sample_corpus(world: World, size: int, seed: int) -> list[Dialog]:
    rng = random.Random(seed)
    styles = BalancedStyles()
    return [sample_dialog(world, rng, styles) for _ in range(size)]


def every_text(world: World) -> list[str]:
    """Every string the corpus can contain (for the vocab), whatever the sampling."""
    texts = [world.system_prompt, HINT_MARKER, "system", "user", "assistant", "\n"]
    for topic in world.topics:
        texts.extend(topic.requests)
        texts.extend(topic.bodies.values())
    for style in STYLES:
        texts.extend(world.openers[style])
        texts.extend(world.closers[style])
        texts.extend(world.hints(style))
        texts.extend(world.corrections[style])
    texts.extend(world.thanks_user)
    texts.extend(world.thanks_assistant)
    # Pieces as they occur inside sentences (with the leading space the pre-tokenizer keeps).
    return texts + [" " + t for t in texts]
