"""Collects TrainerSamples into groups: the on-policy samples built from one app sample share a
sourceSampleId and train together as one slime group.

The gateway builds a source sample's group in one go, so a group is complete when it has the expected
size, or when a fetch came back short of what was asked (the queue was drained), or when a later fetch
did not add to it. Anything beyond the groups a rollout needs stays here for the next rollout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .trainer_sample import TrainerSample

SEEN_IDS_LIMIT = 200_000


@dataclass
class _PendingGroup:
    samples: list[TrainerSample] = field(default_factory=list)
    complete: bool = False


class GroupAssembler:
    def __init__(self, expected_group_size: int = 1):
        self._expected = max(1, expected_group_size)
        self._groups: dict[str, _PendingGroup] = {}  # insertion order = arrival order
        # Remembers recent sample ids so a redelivered sample is not trained twice; bounded for long runs.
        self._seen_ids: dict[str, None] = {}

    @property
    def pending_samples(self) -> int:
        return sum(len(g.samples) for g in self._groups.values())

    def ready_count(self) -> int:
        return sum(1 for g in self._groups.values() if g.complete)

    def add_fetch(self, samples: list[TrainerSample], drained: bool) -> int:
        """Adds one fetch's samples; returns how many were new (redeliveries are dropped by sampleId)."""
        touched: set[str] = set()
        added = 0
        for sample in samples:
            if sample.sample_id in self._seen_ids:
                continue
            self._remember(sample.sample_id)
            group = self._groups.setdefault(sample.source_sample_id, _PendingGroup())
            group.samples.append(sample)
            touched.add(sample.source_sample_id)
            added += 1
        for source_id, group in self._groups.items():
            if len(group.samples) >= self._expected or drained or source_id not in touched:
                group.complete = True
        return added

    def _remember(self, sample_id: str) -> None:
        self._seen_ids[sample_id] = None
        if len(self._seen_ids) > SEEN_IDS_LIMIT:
            del self._seen_ids[next(iter(self._seen_ids))]

    def take_ready(self, limit: int) -> list[list[TrainerSample]]:
        taken: list[list[TrainerSample]] = []
        for source_id in list(self._groups):
            if len(taken) >= limit:
                break
            group = self._groups[source_id]
            if group.complete:
                taken.append(sorted(group.samples, key=lambda s: s.index))
                del self._groups[source_id]
        return taken
