#!/usr/bin/env bash
# Full-parameter Apprentice training on one node with slime + Megatron.
#
# Default split of 8 GPUs: 4 actor (Megatron, TP 2 × DP 2) + 2 rollout (slime's policy SGLang, one TP-2
# engine behind a router on 127.0.0.1:$SGLANG_ROUTER_PORT, which the gateway's --sglang points at)
# + 2 judge (the frozen teacher/judge SGLang you start yourself on the last GPUs; see box/README.md).
#
#   SLIME_ROOT=/root/slime MEGATRON_ROOT=/root/Megatron-LM HF_CKPT=/root/Qwen3-4B \
#   REF_LOAD=/root/Qwen3-4B_torch_dist APPRENTICE_BOX_TOKEN_FILE=~/.apprentice-box/token \
#   bash box/trainer/scripts/run_full_megatron.sh
#
# Settings (env): NUM_GPUS ACTOR_GPUS ROLLOUT_GPUS JUDGE_GPUS ACTOR_TP ROLLOUT_TP MODEL_CONFIG SAVE_CKPT
# SGLANG_ROUTER_PORT ROLLOUT_BATCH_SIZE LR KL_COEF APPRENTICE_GATEWAY_URL APPRENTICE_W_OPD
# APPRENTICE_W_RL APPRENTICE_ANNOUNCE_UPDATES (1: announce 'updating' before the step's weight push)
# WEIGHT_TRANSPORT (nccl | disk) UPDATE_WEIGHT_DISK_DIR (with disk: slime's --update-weight-disk-dir).
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" &>/dev/null && pwd)"
# shellcheck source=submit-to-ray.sh
source "${SCRIPT_DIR}/submit-to-ray.sh"

apprentice_require_dir SLIME_ROOT "a slime checkout (github.com/THUDM/slime)"
apprentice_require_dir HF_CKPT "the Hugging Face checkpoint of the policy (e.g. Qwen3-4B)"
REF_LOAD="${REF_LOAD:-${HF_CKPT%/}_torch_dist}"
apprentice_require_dir REF_LOAD "the Megatron torch_dist copy of HF_CKPT (slime's tools/convert_hf_to_torch_dist.py)"
apprentice_check_gateway_settings

NUM_GPUS="${NUM_GPUS:-8}"
ACTOR_GPUS="${ACTOR_GPUS:-4}"
ROLLOUT_GPUS="${ROLLOUT_GPUS:-2}"
JUDGE_GPUS="${JUDGE_GPUS:-2}"
ACTOR_TP="${ACTOR_TP:-2}"
ROLLOUT_TP="${ROLLOUT_TP:-2}"
apprentice_check_gpu_budget
if (( ACTOR_GPUS % ACTOR_TP != 0 || ROLLOUT_GPUS % ROLLOUT_TP != 0 )); then
  echo "error: ACTOR_TP must divide ACTOR_GPUS and ROLLOUT_TP must divide ROLLOUT_GPUS" >&2
  exit 2
fi

MODEL_CONFIG="${MODEL_CONFIG:-qwen3-4B}"
MODEL_ARGS=()
if [ "${APPRENTICE_DRY_RUN:-0}" != "1" ] || [ -f "${SLIME_ROOT}/scripts/models/${MODEL_CONFIG}.sh" ]; then
  # Defines MODEL_ARGS (layers, hidden size, rotary base…) for Megatron.
  # shellcheck disable=SC1090
  source "${SLIME_ROOT}/scripts/models/${MODEL_CONFIG}.sh"
fi

SAVE_CKPT="${SAVE_CKPT:-${HF_CKPT%/}_apprentice}"

# --ref-load stays either way: slime starts from it while SAVE_CKPT holds no checkpoint yet.
CKPT_ARGS=(
  --hf-checkpoint "${HF_CKPT}"
  --ref-load "${REF_LOAD}"
  --load "${SAVE_CKPT}"
  --save "${SAVE_CKPT}"
  --save-interval "${SAVE_INTERVAL:-20}"
)

LOSS_ARGS=(
  --advantage-estimator grpo
  --disable-rewards-normalization
  --loss-type custom_loss
  --custom-loss-function-path apprentice_trainer.loss.apprentice_loss
  --use-rollout-logprobs
  --entropy-coef 0.0
  --eps-clip 0.2
  --eps-clip-high 0.28
)

# slime loads a whole reference model whenever --use-kl-loss is on, even at coefficient 0: pass the
# KL flags only for a non-zero KL_COEF.
KL_COEF="${KL_COEF:-0}"
if ! python3 -c 'import sys; float(sys.argv[1])' "${KL_COEF}" 2>/dev/null; then
  echo "error: KL_COEF must be a number, got '${KL_COEF}'" >&2
  exit 2
fi
KL_ARGS=()
if python3 -c 'import sys; sys.exit(float(sys.argv[1]) == 0)' "${KL_COEF}"; then
  KL_ARGS=(--use-kl-loss --kl-loss-coef "${KL_COEF}" --kl-loss-type low_var_kl)
fi

PERF_ARGS=(
  --tensor-model-parallel-size "${ACTOR_TP}"
  --sequence-parallel
  --pipeline-model-parallel-size 1
  --context-parallel-size 1
  --recompute-granularity full
  --recompute-method uniform
  --recompute-num-layers 1
  --use-dynamic-batch-size
  --max-tokens-per-gpu "${MAX_TOKENS_PER_GPU:-16384}"
)

SGLANG_ARGS=(
  --rollout-num-gpus-per-engine "${ROLLOUT_TP}"
  --sglang-mem-fraction-static 0.8
  --sglang-router-port "${SGLANG_ROUTER_PORT:-30000}"
)

apprentice_weight_sync_args

MISC_ARGS=(
  --attention-dropout 0.0
  --hidden-dropout 0.0
  --accumulate-allreduce-grads-in-fp32
  --attention-softmax-in-fp32
  --attention-backend flash
)

apprentice_submit "$((ACTOR_GPUS + ROLLOUT_GPUS))" \
  --actor-num-nodes 1 \
  --actor-num-gpus-per-node "${ACTOR_GPUS}" \
  --rollout-num-gpus "${ROLLOUT_GPUS}" \
  --num-gpus-per-node "$((ACTOR_GPUS + ROLLOUT_GPUS))" \
  "${MODEL_ARGS[@]}" \
  "${CKPT_ARGS[@]}" \
  "${ROLLOUT_ARGS[@]}" \
  "${LOSS_ARGS[@]}" \
  "${KL_ARGS[@]}" \
  "${OPTIMIZER_ARGS[@]}" \
  "${PERF_ARGS[@]}" \
  "${SGLANG_ARGS[@]}" \
  "${WEIGHT_SYNC_ARGS[@]}" \
  "${MISC_ARGS[@]}"
