#!/usr/bin/env bash
# Full-parameter Apprentice training on ONE GPU with slime's colocated mode + Megatron.
#
# Actor (Megatron) and rollout (slime's policy SGLang behind a router on 127.0.0.1:$SGLANG_ROUTER_PORT,
# which the gateway's --sglang points at) share the GPU: slime releases SGLang's memory (weights, KV
# cache, CUDA graphs) while a step trains and restores it after the push; between steps Megatron is
# offloaded to host memory and SGLang serves chat. The OPD term stays per token, through
# apprentice_trainer.loss.apprentice_loss (not folded into the reward). There is no separate
# teacher/judge GPU: start the gateway without --teacher-sglang, so hints are scored by the policy
# engine itself (see box/README.md, "One GPU").
#
# While a step runs the engine cannot answer, so the rollout function tells the gateway before it
# hands the batch to slime: chat requests wait in the gateway's queue (the app shows "learning…
# replies resume in ~N s") and in-flight replies finish before slime releases the engine.
#
#   SLIME_ROOT=/root/slime MEGATRON_ROOT=/root/Megatron-LM HF_CKPT=/root/Qwen3-4B \
#   REF_LOAD=/root/Qwen3-4B_torch_dist APPRENTICE_BOX_TOKEN_FILE=~/.apprentice-box/token \
#   bash box/trainer/scripts/run_one_gpu.sh
#
# Settings (env): MODEL_CONFIG SAVE_CKPT SGLANG_ROUTER_PORT SGLANG_MEM_FRACTION ROLLOUT_BATCH_SIZE LR
# KL_COEF MAX_TOKENS_PER_GPU OPTIMIZER_OFFLOAD (1: Adam states in host memory) APPRENTICE_GATEWAY_URL
# APPRENTICE_W_OPD APPRENTICE_W_RL. Which Qwen3 sizes fit which GPU: box/README.md (computed, not measured).
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" &>/dev/null && pwd)"
# shellcheck source=submit-to-ray.sh
source "${SCRIPT_DIR}/submit-to-ray.sh"

apprentice_require_dir SLIME_ROOT "a slime checkout (github.com/THUDM/slime)"
apprentice_require_dir HF_CKPT "the Hugging Face checkpoint of the policy (e.g. Qwen3-4B)"
REF_LOAD="${REF_LOAD:-${HF_CKPT%/}_torch_dist}"
apprentice_require_dir REF_LOAD "the Megatron torch_dist copy of HF_CKPT (slime's tools/convert_hf_to_torch_dist.py)"
apprentice_check_gateway_settings

MODEL_CONFIG="${MODEL_CONFIG:-qwen3-4B}"
MODEL_ARGS=()
if [ "${APPRENTICE_DRY_RUN:-0}" != "1" ] || [ -f "${SLIME_ROOT}/scripts/models/${MODEL_CONFIG}.sh" ]; then
  # shellcheck disable=SC1090
  source "${SLIME_ROOT}/scripts/models/${MODEL_CONFIG}.sh"
fi

SAVE_CKPT="${SAVE_CKPT:-${HF_CKPT%/}_apprentice}"
# Chat is held while a step runs (the engine's memory is released): tell the gateway at the end of
# each rollout and wait for in-flight replies, instead of only before the weight push.
export APPRENTICE_HOLD_CHAT_DURING_STEP=1

CKPT_ARGS=(
  --hf-checkpoint "${HF_CKPT}"
  --ref-load "${REF_LOAD}"
  --load "${SAVE_CKPT}"
  --save "${SAVE_CKPT}"
  --save-interval "${SAVE_INTERVAL:-20}"
)

# Same objective as run_full_megatron.sh: the combined advantage is built per token in the custom loss.
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

KL_COEF="${KL_COEF:-0}"
if ! python3 -c 'import sys; float(sys.argv[1])' "${KL_COEF}" 2>/dev/null; then
  echo "error: KL_COEF must be a number, got '${KL_COEF}'" >&2
  exit 2
fi
KL_ARGS=()
if python3 -c 'import sys; sys.exit(float(sys.argv[1]) == 0)' "${KL_COEF}"; then
  # A reference model is a second copy of the weights on the same GPU; see the memory table first.
  KL_ARGS=(--use-kl-loss --kl-loss-coef "${KL_COEF}" --kl-loss-type low_var_kl)
fi

# Memory: full activation recompute, micro-batches sized by tokens (MAX_TOKENS_PER_GPU), and with
# OPTIMIZER_OFFLOAD=1 Adam's fp32 master weights and moments live in host memory (Megatron's
# hybrid CPU optimizer, which needs --use-precision-aware-optimizer).
PERF_ARGS=(
  --tensor-model-parallel-size 1
  --pipeline-model-parallel-size 1
  --context-parallel-size 1
  --recompute-granularity full
  --recompute-method uniform
  --recompute-num-layers 1
  --use-dynamic-batch-size
  --max-tokens-per-gpu "${MAX_TOKENS_PER_GPU:-4096}"
)
if [ "${OPTIMIZER_OFFLOAD:-1}" = "1" ]; then
  PERF_ARGS+=(--optimizer-cpu-offload --overlap-cpu-optimizer-d2h-h2d --use-precision-aware-optimizer)
fi

# Colocated: slime runs the engine on the actor's GPU and releases/restores its memory around each
# step (--colocate implies --offload-train and --offload-rollout); weights move by CUDA IPC.
SGLANG_ARGS=(
  --rollout-num-gpus-per-engine 1
  --sglang-mem-fraction-static "${SGLANG_MEM_FRACTION:-0.7}"
  --sglang-router-port "${SGLANG_ROUTER_PORT:-30000}"
)

MISC_ARGS=(
  --attention-dropout 0.0
  --hidden-dropout 0.0
  --accumulate-allreduce-grads-in-fp32
  --attention-softmax-in-fp32
  --attention-backend flash
)

apprentice_submit 1 \
  --colocate \
  --actor-num-nodes 1 \
  --actor-num-gpus-per-node 1 \
  --rollout-num-gpus 1 \
  --num-gpus-per-node 1 \
  "${MODEL_ARGS[@]}" \
  "${CKPT_ARGS[@]}" \
  "${ROLLOUT_ARGS[@]}" \
  "${LOSS_ARGS[@]}" \
  "${KL_ARGS[@]}" \
  "${OPTIMIZER_ARGS[@]}" \
  "${PERF_ARGS[@]}" \
  "${SGLANG_ARGS[@]}" \
  "${MISC_ARGS[@]}"
