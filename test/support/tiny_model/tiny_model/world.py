"""world.json: requests, the two reply styles, hint phrasings and follow-up turns."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

WORLD_FILE = Path(__file__).resolve().parents[1] / "world.json"
STYLES = ("formal", "casual")


@dataclass(frozen=True)
class Topic:
    requests: tuple[str, ...]
    bodies: dict[str, str]


@dataclass(frozen=True)
class World:
    system_prompt: str
    openers: dict[str, tuple[str, ...]]
    closers: dict[str, tuple[str, ...]]
    topics: tuple[Topic, ...]
    hint_templates: tuple[str, ...]
    hint_words: dict[str, tuple[str, ...]]
    thanks_user: tuple[str, ...]
    thanks_assistant: tuple[str, ...]
    corrections: dict[str, tuple[str, ...]]

    def hints(self, style: str) -> list[str]:
        """Every hint phrasing that asks for `style`."""
        return [
            template.replace("{style}", word).replace("{Style}", word[:1].upper() + word[1:])
            for template in self.hint_templates
            for word in self.hint_words[style]
        ]


def load_world(path: Path = WORLD_FILE) -> World:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    styles = raw["styles"]
    return World(
        system_prompt=raw["systemPrompt"],
        openers={s: tuple(styles[s]["openers"]) for s in STYLES},
        closers={s: tuple(styles[s]["closers"]) for s in STYLES},
        topics=tuple(Topic(tuple(t["requests"]), {s: t[s] for s in STYLES}) for t in raw["topics"]),
        hint_templates=tuple(raw["hints"]["templates"]),
        hint_words={s: tuple(raw["hints"]["words"][s]) for s in STYLES},
        thanks_user=tuple(raw["followUps"]["thanks"]["user"]),
        thanks_assistant=tuple(raw["followUps"]["thanks"]["assistant"]),
        corrections={s: tuple(raw["followUps"]["corrections"][s]) for s in STYLES},
    )
