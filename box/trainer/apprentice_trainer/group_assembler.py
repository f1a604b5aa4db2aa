"""Collects TrainerSamples into groups: the samples built from one app sample (the served reply plus
k on-policy regenerations of a hinted turn) share a sourceSampleId and train together as one group.

Group sizes vary (1 for a plain thumb, 1 + k for a hint), so completeness is read from the queue:
the gateway enqueues a source's samples together and hands them out in queue order, so within one
fetch every group except the one holding the fetch's last sample is whole; that one is whole when
the fetch came back short of what was asked (the queue was drained) or when the next fetch did not
add to it. Anything beyond what a rollout needs stays here for the next rollout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .trainer_sample import TrainerSample

SEEN_IDS_LIMIT = 200_000


@dataclass
class _PendingGroup:
    samples: list[TrainerSample] = field(default_factory=list)
    complete: bool = False


def _rollout_units(samples: list[TrainerSample]) -> list[list[TrainerSample]]:
    """slime reduces one token-weighted mean per rollout id: the served reply (which carries the user's
    reward) must not share it with its reward-0 regenerations, or a hinted correction's reward would
    count a fraction of a plain thumb's. So served → one rollout, regenerations → another."""
    served = [s for s in samples if s.sample_id == s.source_sample_id]
    regenerated = [s for s in samples if s.sample_id != s.source_sample_id]
    return [unit for unit in (served, regenerated) if unit]


class GroupAssembler:
    def __init__(self) -> None:
        self._groups: dict[str, _PendingGroup] = {}  # insertion order = arrival order
        # Remembers recent sample ids so a redelivered sample is not trained twice; bounded for long runs.
        self._seen_ids: dict[str, None] = {}

    @property
    def pending_samples(self) -> int:
        return sum(len(g.samples) for g in self._groups.values())

    def ready_groups(self) -> int:
        return sum(1 for g in self._groups.values() if g.complete)

    def ready_rollouts(self) -> int:
        return sum(len(_rollout_units(g.samples)) for g in self._groups.values() if g.complete)

    def take_rollouts(self, limit: int) -> list[list[TrainerSample]]:
        """Up to `limit` rollouts from whole groups, oldest first: a group's served reply is one rollout
        and its on-policy regenerations another; a group cut at the limit keeps its rest here."""
        taken: list[list[TrainerSample]] = []
        for source_id in list(self._groups):
            group = self._groups[source_id]
            if len(taken) >= limit:
                break
            if not group.complete:
                continue
            units = _rollout_units(group.samples)
            room = limit - len(taken)
            taken.extend(units[:room])
            rest = [s for unit in units[room:] for s in unit]
            if rest:
                group.samples = rest
            else:
                del self._groups[source_id]
        return taken

    def ready_samples(self) -> int:
        return sum(len(g.samples) for g in self._groups.values() if g.complete)

    def add_fetch(self, samples: list[TrainerSample], drained: bool) -> int:
        """Adds one fetch's samples (in queue order); returns how many were new."""
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
        open_tail = samples[-1].source_sample_id if samples and not drained else None
        for source_id, group in self._groups.items():
            if source_id != open_tail:
                group.complete = True
        return added

    def _remember(self, sample_id: str) -> None:
        self._seen_ids[sample_id] = None
        if len(self._seen_ids) > SEEN_IDS_LIMIT:
            del self._seen_ids[next(iter(self._seen_ids))]

    def put_back(self, groups: list[list[TrainerSample]]) -> None:
        """Returns taken groups to the front, in order (a split group joins its rest again)."""
        front: dict[str, _PendingGroup] = {}
        for samples in groups:
            if samples:
                front.setdefault(samples[0].source_sample_id, _PendingGroup(complete=True)).samples.extend(samples)
        for source_id, group in self._groups.items():
            if source_id in front:
                front[source_id].samples.extend(group.samples)
            else:
                front[source_id] = group
        self._groups = front

    def withdraw(self, sample_ids: set[str]) -> int:
        """Drops samples the gateway withdrew (a newer signal replaced them); returns how many."""
        dropped = 0
        for source_id in list(self._groups):
            group = self._groups[source_id]
            kept = [s for s in group.samples if s.sample_id not in sample_ids]
            dropped += len(group.samples) - len(kept)
            if kept:
                group.samples = kept
            else:
                del self._groups[source_id]
        return dropped

    def take_groups(self, limit: int) -> list[list[TrainerSample]]:
        """Up to `limit` whole groups, oldest first."""
        taken: list[list[TrainerSample]] = []
        for source_id in list(self._groups):
            if len(taken) >= limit:
                break
            group = self._groups[source_id]
            if group.complete:
                taken.append(group.samples)
                del self._groups[source_id]
        return taken

    def take_samples(self, limit: int) -> list[list[TrainerSample]]:
        """Exactly `limit` samples when that many are ready, in groups; the group at the boundary is
        split and its rest stays here (for trainers that count samples rather than groups)."""
        taken: list[list[TrainerSample]] = []
        remaining = limit
        for source_id in list(self._groups):
            if remaining <= 0:
                break
            group = self._groups[source_id]
            if not group.complete:
                continue
            head, rest = group.samples[:remaining], group.samples[remaining:]
            taken.append(head)
            remaining -= len(head)
            if rest:
                group.samples = rest
            else:
                del self._groups[source_id]
        return taken
