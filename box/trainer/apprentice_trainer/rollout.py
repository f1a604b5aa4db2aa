"""slime rollout function: drains the gateway's training queue instead of sampling prompts.

    --rollout-function-path apprentice_trainer.rollout.generate_rollout

slime's loop is: generate_rollout(N) → train step N → push weights to SGLang → generate_rollout(N+1).
So each call first closes the previous step: it tells the gateway the new weights are live
(POST /v1/trainer/weights ready) and reports step N−1 with its sample ids (POST /v1/trainer/report).
Then it long-polls /v1/trainer/batch until rollout_batch_size × n_samples_per_prompt rollouts are
complete (run slime with --n-samples-per-prompt 1). A group is the samples sharing a sourceSampleId
(the served reply plus the k on-policy samples built from one correction); its served reply is one
slime rollout (Sample.rollout_id) and its regenerations another, because slime sizes a step in
rollouts and averages the loss once per rollout. For slime builds that count samples instead
(APPRENTICE_EXACT_SAMPLE_COUNT=1) it returns exactly that many samples, splitting the last group.
The 'updating' announcement before a push comes from apprentice_trainer.weights_hooks (see there).

The module keeps one session per process (slime's RolloutManager is a long-lived Ray actor), holding
groups fetched beyond what a rollout needs, and the report still owed for the last step.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .client import TrainerApiClient, TrainerApiError
from .config import (
    AdvantageWeights,
    RolloutOptions,
    advantage_weights_from_env,
    gateway_config_from_env,
    rollout_options_from_env,
)
from .group_assembler import GroupAssembler
from .policy_version import initial_policy_version, policy_version_after_step, saved_through_step
from .slime_build import check_slime_build, holds_chat_during_step
from .slime_sample import load_sample_class, masked_mean_teacher_gap, to_slime_sample
from .trainer_sample import TrainerSample
from .weights_hooks import announce_updating

logger = logging.getLogger("apprentice_trainer.rollout")

PROGRESS_LOG_INTERVAL_S = 30.0
RAW_LOGPROB_TEMPERATURE = 1.0


class SlimeSettingsError(ValueError):
    """slime runs with a setting that silently breaks Apprentice's objective."""


def check_slime_args(args: Any) -> None:
    """Refuses slime settings that would train on the wrong numbers (attributes slime lacks pass)."""
    temperature = getattr(args, "rollout_temperature", None)
    if temperature is not None and float(temperature) != RAW_LOGPROB_TEMPERATURE:
        raise SlimeSettingsError(
            f"--rollout-temperature is {temperature}; Apprentice needs 1.0. slime divides the trainer's logits "
            "by it, while the gateway's rollout and teacher log-probs are raw (T = 1; the policy SGLang runs "
            "with SGLANG_RETURN_ORIGINAL_LOGPROB=1), so any other value biases teacher − old and the PPO ratio."
        )
    # The rewards are absolute (+1 / −1 / 0 from the user) and the OPD term is per token: slime's group
    # normalisation would turn a lone thumb into 0 and rescale the rest, and advantage normalisation
    # would rescale the combined advantage the loss computes itself.
    if getattr(args, "rewards_normalization", False):
        raise SlimeSettingsError(
            "slime normalises rewards per group; run it with --disable-rewards-normalization "
            "(a group here is one signal, so normalisation would zero a lone thumb's reward)"
        )
    if getattr(args, "normalize_advantages", False):
        raise SlimeSettingsError("remove --normalize-advantages: apprentice_loss builds the advantage itself from raw rewards")
TRANSIENT_RETRY_S = 5.0


@dataclass
class PendingReport:
    step: int
    sample_ids: list[str]
    metrics: dict[str, float]


@dataclass
class RolloutSession:
    client: TrainerApiClient
    weights: AdvantageWeights
    options: RolloutOptions
    assembler: GroupAssembler
    pending_report: PendingReport | None = None
    # True once a 'ready' carrying restarted_at_step got through; until then every 'ready' carries it.
    announced_initial: bool = False
    # The first rollout id of this process: the step it resumed at (the gateway re-offers from there).
    started_at_step: int | None = None
    rejected_since_report: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


_session: RolloutSession | None = None
_session_lock = threading.Lock()


def get_session(args: Any) -> RolloutSession:
    global _session
    with _session_lock:
        if _session is None:
            _session = RolloutSession(
                client=TrainerApiClient(gateway_config_from_env()),
                weights=advantage_weights_from_env(),
                options=rollout_options_from_env(),
                assembler=GroupAssembler(),
            )
        return _session


def reset_session() -> None:
    """Drops the process-wide session (tests; or after changing the environment)."""
    global _session
    with _session_lock:
        _session = None


def report_step(
    client: TrainerApiClient,
    step: int,
    policy_version: str,
    metrics: dict[str, float],
    sample_ids: list[str],
    saved_through: int | None = None,
) -> Any:
    """Tells the gateway a training step finished on these samples; returns the gateway's answer."""
    return client.report(step, policy_version, metrics, sample_ids, saved_through_step=saved_through)


def finish_previous_step(args: Any, rollout_id: int, session: RolloutSession) -> None:
    """Announces live weights and reports the last step; a failure is logged and retried next call."""
    client = session.client
    if session.started_at_step is None:
        session.started_at_step = rollout_id
    # A (re)start: the gateway re-offers what an earlier run trained past its last checkpoint. If that
    # first 'ready' fails, the next one (possibly with a step report) still says so.
    restarted_at = None if session.announced_initial else session.started_at_step
    pending = session.pending_report
    if pending is None or pending.step >= rollout_id:
        if restarted_at is not None:
            client.set_weights("ready", initial_policy_version(args), restarted_at_step=restarted_at)
            session.announced_initial = True
        return
    started = session.started_at_step
    version = policy_version_after_step(args, pending.step, started)
    client.set_weights("ready", version, restarted_at_step=restarted_at)
    session.announced_initial = True
    saved = saved_through_step(args, pending.step, started)
    report_step(client, pending.step, version, pending.metrics, pending.sample_ids, saved)
    session.pending_report = None


def _batch_metrics(groups: list[list[TrainerSample]], rejected: int) -> dict[str, float]:
    samples = [s for g in groups for s in g]
    with_teacher = [s for s in samples if s.teacher_log_probs is not None]
    count = max(1, len(samples))
    return {
        "groups": float(len({s.source_sample_id for g in groups for s in g})),
        "rollouts": float(len(groups)),
        "samples": float(len(samples)),
        "reward_mean": sum(s.reward for s in samples) / count,
        "reward_positive": float(sum(1 for s in samples if s.reward > 0)),
        "reward_negative": float(sum(1 for s in samples if s.reward < 0)),
        "opd_samples": float(len(with_teacher)),
        "teacher_gap_mean": (
            sum(masked_mean_teacher_gap(s) for s in with_teacher) / len(with_teacher) if with_teacher else 0.0
        ),
        "trained_tokens": float(sum(sum(s.loss_mask) for s in samples)),
        "retokenized_samples": float(sum(1 for s in samples if s.retokenized)),
        "rejected_samples": float(rejected),
    }


def rollout_target(args: Any) -> int:
    """Rollouts per call (slime trains exactly global_batch_size rollout ids per step), or samples with
    APPRENTICE_EXACT_SAMPLE_COUNT. A hinted turn is two rollouts: its served reply and its regenerations."""
    return int(args.rollout_batch_size) * int(getattr(args, "n_samples_per_prompt", 1) or 1)


def _collect_groups(session: RolloutSession, target: int) -> list[list[TrainerSample]]:
    """Fills a rollout, then confirms it with the gateway: samples withdrawn while they waited here
    (a newer signal superseded them) are dropped and the gap is filled again."""
    exact = session.options.exact_sample_count
    while True:
        _fill(session, target)
        taken = session.assembler.take_samples(target) if exact else session.assembler.take_rollouts(target)
        ids = [s.sample_id for g in taken for s in g]
        try:
            withdrawn = session.client.confirm(ids)
        except TrainerApiError as exc:
            if exc.status is not None and exc.status < 500:
                raise
            logger.warning("apprentice: could not confirm the batch (training it unconfirmed): %s", exc)
            withdrawn = set()
        if not withdrawn:
            return taken
        logger.info("apprentice: %d sample(s) were withdrawn by newer signals; filling the gap", len(withdrawn))
        session.assembler.put_back(taken)
        session.assembler.withdraw(withdrawn)


def _fill(session: RolloutSession, target: int) -> None:
    assembler = session.assembler
    exact = session.options.exact_sample_count
    ready = assembler.ready_samples if exact else assembler.ready_rollouts
    started = last_log = time.monotonic()
    while ready() < target:
        wanted = target - ready()  # every rollout has at least one sample
        try:
            result = session.client.fetch_batch(wanted)
        except TrainerApiError as exc:
            if exc.status is not None and exc.status < 500:
                raise  # a wrong token or a bad request will not fix itself
            logger.warning("apprentice: gateway unavailable, retrying in %.0fs: %s", TRANSIENT_RETRY_S, exc)
            time.sleep(TRANSIENT_RETRY_S)
            continue
        for sample_id, error in result.rejected:
            logger.error("apprentice: dropped invalid sample %s: %s", sample_id, error)
        session.rejected_since_report += len(result.rejected)
        if result.rejected:
            try:
                session.client.reject(result.rejected)
            except TrainerApiError as exc:
                logger.warning("apprentice: could not report rejected samples (their lease will lapse): %s", exc)
        delivered = len(result.samples) + len(result.rejected)
        assembler.add_fetch(result.samples, drained=delivered < wanted)
        now = time.monotonic()
        if now - last_log >= PROGRESS_LOG_INTERVAL_S:
            logger.info(
                "apprentice: waiting for training signals: %d/%d %s ready after %.0fs",
                ready(),
                target,
                "samples" if exact else "groups",
                now - started,
            )
            last_log = now


def generate_rollout(args: Any, rollout_id: int, data_buffer: Any = None, evaluation: bool = False) -> Any:
    """slime's rollout entry point; `data_buffer` is unused because the gateway is the data source."""
    if evaluation:
        # Apprentice has no held-out prompt set; evaluation is what users do next in the app.
        return _wrap_eval_output({})
    check_slime_args(args)
    session = get_session(args)
    check_slime_build(load_sample_class(), session.options)
    with session.lock:
        try:
            finish_previous_step(args, rollout_id, session)
        except TrainerApiError as exc:
            if exc.status is not None and exc.status < 500:
                raise
            logger.warning("apprentice: could not report to the gateway yet (will retry): %s", exc)
        groups = _collect_groups(session, rollout_target(args))
        metrics = _batch_metrics(groups, session.rejected_since_report)
        session.rejected_since_report = 0
        # A step whose report never went out is folded into this one rather than lost.
        carried_ids = session.pending_report.sample_ids if session.pending_report else []
        session.pending_report = PendingReport(
            step=rollout_id,
            sample_ids=carried_ids + [s.sample_id for g in groups for s in g],
            metrics=metrics,
        )
        exact = session.options.exact_sample_count
        slime_groups = [
            [to_slime_sample(s, i, session.weights, rollout_id=None if exact else i) for s in group]
            for i, group in enumerate(groups)
        ]
        if holds_chat_during_step(args):
            # Colocated: slime releases the engine's memory as soon as this returns, so chat waits from
            # now on, and replies still streaming finish first (bounded) instead of being cut off.
            announce_updating(policy_version_after_step(args, rollout_id, session.started_at_step), drain=True)
    return _wrap_train_output(slime_groups, {f"apprentice/{k}": v for k, v in metrics.items()})


def _wrap_train_output(groups: list[list[Any]], metrics: dict[str, float]) -> Any:
    try:
        from slime.rollout.base_types import RolloutFnTrainOutput  # type: ignore[import-not-found]
    except ImportError:
        return groups
    return RolloutFnTrainOutput(samples=groups, metrics=metrics)


def _wrap_eval_output(data: dict) -> Any:
    try:
        from slime.rollout.base_types import RolloutFnEvalOutput  # type: ignore[import-not-found]
    except ImportError:
        return data
    return RolloutFnEvalOutput(data=data)
