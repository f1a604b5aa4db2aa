#!/usr/bin/env bash
# LoRA Apprentice training on 4 GPUs with slime's FSDP backend.
#
# Default split: 2 actor (FSDP, LoRA rank 16) + 1 rollout (slime's policy SGLang behind a router on
# 127.0.0.1:$SGLANG_ROUTER_PORT; LoRA is merged into full weights before each push) + 1 judge (the
# frozen teacher/judge SGLang you start yourself; see box/README.md).
#
# Needs a slime build that still has the FSDP backend with LoRA (--train-backend fsdp --use-lora),
# such as the slime tree vendored by Gen-Verse/OpenClaw-RL; upstream slime dropped FSDP in 2026-03.
# That backend applies slime's built-in PPO loss and ignores --custom-loss-function-path, so the
# OPD term rides in the scalar reward instead (APPRENTICE_OPD_IN_REWARD=1: reward + w_opd · mean
# masked teacher − rollout gap): a sequence-level approximation of the per-token combined advantage.
#
#   SLIME_ROOT=/root/OpenClaw-RL/slime HF_CKPT=/root/Qwen3-4B \
#   APPRENTICE_BOX_TOKEN_FILE=~/.apprentice-box/token bash box/trainer/scripts/run_lora_fsdp.sh
#
# Settings (env): NUM_GPUS ACTOR_GPUS ROLLOUT_GPUS JUDGE_GPUS ROLLOUT_TP LORA_RANK LORA_ALPHA SAVE_CKPT
# SGLANG_ROUTER_PORT ROLLOUT_BATCH_SIZE LR APPRENTICE_GATEWAY_URL APPRENTICE_W_OPD APPRENTICE_W_RL
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" &>/dev/null && pwd)"
# shellcheck source=submit-to-ray.sh
source "${SCRIPT_DIR}/submit-to-ray.sh"

apprentice_require_dir SLIME_ROOT "a slime checkout whose FSDP backend supports --use-lora"
apprentice_require_dir HF_CKPT "the Hugging Face checkpoint of the policy (e.g. Qwen3-4B)"
apprentice_check_gateway_settings

FSDP_ARGUMENTS="${SLIME_ROOT}/slime/backends/fsdp_utils/arguments.py"
if [ "${APPRENTICE_DRY_RUN:-0}" != "1" ] && ! grep -q "use_lora" "${FSDP_ARGUMENTS}" 2>/dev/null; then
  echo "error: ${SLIME_ROOT} has no FSDP LoRA backend (${FSDP_ARGUMENTS} lacks use_lora)." >&2
  echo "       Use the slime tree from Gen-Verse/OpenClaw-RL, or run_full_megatron.sh for full training." >&2
  exit 2
fi

NUM_GPUS="${NUM_GPUS:-4}"
ACTOR_GPUS="${ACTOR_GPUS:-2}"
ROLLOUT_GPUS="${ROLLOUT_GPUS:-1}"
JUDGE_GPUS="${JUDGE_GPUS:-1}"
ROLLOUT_TP="${ROLLOUT_TP:-1}"
apprentice_check_gpu_budget

export APPRENTICE_OPD_IN_REWARD=1
# That slime counts samples, not rollouts, per step: hand it exactly rollout_batch_size samples.
export APPRENTICE_EXACT_SAMPLE_COUNT=1
SAVE_CKPT="${SAVE_CKPT:-${HF_CKPT%/}_apprentice_lora}"

# --load: a restart resumes from the last saved adapter instead of the base model (the gateway
# re-offers whatever was trained after that save).
CKPT_ARGS=(
  --hf-checkpoint "${HF_CKPT}"
  --load "${SAVE_CKPT}"
  --save "${SAVE_CKPT}"
  --save-interval "${SAVE_INTERVAL:-20}"
)

LOSS_ARGS=(
  --advantage-estimator grpo
  --disable-rewards-normalization
  --use-rollout-logprobs
  --entropy-coef 0.0
  --eps-clip 0.2
  --eps-clip-high 0.28
)

LORA_ARGS=(
  --use-lora
  --lora-rank "${LORA_RANK:-16}"
  --lora-alpha "${LORA_ALPHA:-32}"
  --lora-target-modules "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj"
)

PERF_ARGS=(
  --use-dynamic-batch-size
  --max-tokens-per-gpu "${MAX_TOKENS_PER_GPU:-8192}"
  --gradient-checkpointing
)

SGLANG_ARGS=(
  --rollout-num-gpus-per-engine "${ROLLOUT_TP}"
  --sglang-mem-fraction-static 0.85
  --sglang-router-port "${SGLANG_ROUTER_PORT:-30000}"
)

apprentice_submit "$((ACTOR_GPUS + ROLLOUT_GPUS))" \
  --train-backend fsdp \
  --actor-num-nodes 1 \
  --actor-num-gpus-per-node "${ACTOR_GPUS}" \
  --rollout-num-gpus "${ROLLOUT_GPUS}" \
  --num-gpus-per-node "$((ACTOR_GPUS + ROLLOUT_GPUS))" \
  "${CKPT_ARGS[@]}" \
  "${ROLLOUT_ARGS[@]}" \
  "${LOSS_ARGS[@]}" \
  "${OPTIMIZER_ARGS[@]}" \
  "${LORA_ARGS[@]}" \
  "${PERF_ARGS[@]}" \
  "${SGLANG_ARGS[@]}"
