# Sourced by the run_*.sh scripts: checks the shared settings, starts a one-node Ray head on the GPUs
# slime may use, and submits slime's train.py with the Apprentice plugin on PYTHONPATH.
# With APPRENTICE_DRY_RUN=1 it prints the command (one argument per line) and starts nothing.
#
# Checked against THUDM/slime 624b824 (see box/README.md, "Checked against upstream"):
# - no --sglang-router-ip: slime's _start_router (slime/ray/rollout.py) takes a set router ip to mean
#   "a router already runs there" and launches none. slime starts the router itself on the host
#   get_host_info() names, which SLIME_HOST_IP=127.0.0.1 (runtime env below) pins to loopback, and
#   on --sglang-router-port, which the gateway's --sglang points at.
# - train.py by its absolute path: `ray job submit` runs the entrypoint in Ray's job directory, not
#   in the shell's working directory.

APPRENTICE_TRAINER_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." &>/dev/null && pwd)"

# The rollout and optimizer settings both launch scripts share (OpenClaw-RL's: batch 16, lr 1e-5,
# Adam (0.9, 0.98), weight decay 0.1); the plugin's rollout function feeds slime.
# --rollout-temperature 1.0: slime divides the trainer's logits by it, and every log-prob the box
# hands over (served, regenerated, teacher) is raw (T = 1); the policy SGLang runs with
# SGLANG_RETURN_ORIGINAL_LOGPROB=1 (set in the Ray runtime env below) so sampled log-probs are raw
# too. Chats still sample at the user's temperature and regenerations at the gateway's 0.6.
ROLLOUT_ARGS=(
  --disable-rollout-global-dataset
  --rollout-function-path apprentice_trainer.rollout.generate_rollout
  --num-rollout 100000000
  --rollout-batch-size "${ROLLOUT_BATCH_SIZE:-16}"
  --n-samples-per-prompt 1
  --num-steps-per-rollout 1
  --rollout-max-response-len 8192
  --rollout-max-context-len 32768
  --rollout-temperature 1.0
  --reward-key score
)

OPTIMIZER_ARGS=(
  --optimizer adam
  --lr "${LR:-1e-5}"
  --lr-decay-style constant
  --weight-decay 0.1
  --adam-beta1 0.9
  --adam-beta2 0.98
)

# How new weights reach the policy SGLang, and which plugin hook tells the gateway first (so chat
# waits and in-flight replies finish before slime pauses generation, whose default mode aborts them).
# Fills WEIGHT_SYNC_ARGS. WEIGHT_TRANSPORT=nccl (default): slime broadcasts the weights; the hook runs
# before the rollout's last optimizer step. WEIGHT_TRANSPORT=disk: slime writes a HF checkpoint per
# push under UPDATE_WEIGHT_DISK_DIR (a directory the trainer and the engines share) and SGLang reloads
# it; the hook runs after the write, right before the reload. APPRENTICE_ANNOUNCE_UPDATES=0 drops the hook.
apprentice_weight_sync_args() {
  WEIGHT_SYNC_ARGS=()
  local announce="${APPRENTICE_ANNOUNCE_UPDATES:-1}"
  case "${WEIGHT_TRANSPORT:-nccl}" in
    nccl)
      if [ "${announce}" = "1" ]; then
        WEIGHT_SYNC_ARGS=(--custom-megatron-before-train-step-hook-path apprentice_trainer.weights_hooks.announce_before_train_step)
      fi
      ;;
    disk)
      if [ -z "${UPDATE_WEIGHT_DISK_DIR:-}" ]; then
        echo "error: WEIGHT_TRANSPORT=disk needs UPDATE_WEIGHT_DISK_DIR, a directory both the trainer and the policy SGLang can read (slime's --update-weight-disk-dir)" >&2
        exit 2
      fi
      WEIGHT_SYNC_ARGS=(--update-weight-transport disk --update-weight-disk-dir "${UPDATE_WEIGHT_DISK_DIR}")
      if [ "${announce}" = "1" ]; then
        WEIGHT_SYNC_ARGS+=(--custom-update-weight-post-write-path apprentice_trainer.weights_hooks.announce_after_disk_write)
      fi
      ;;
    *)
      echo "error: WEIGHT_TRANSPORT must be nccl or disk, got '${WEIGHT_TRANSPORT}'" >&2
      exit 2
      ;;
  esac
}

apprentice_require_dir() {
  # $1 = variable name, $2 = what it should hold
  local value="${!1:-}"
  if [ -z "${value}" ]; then
    echo "error: set $1 to $2" >&2
    exit 2
  fi
  if [ "${APPRENTICE_DRY_RUN:-0}" != "1" ] && [ ! -d "${value}" ]; then
    echo "error: $1=${value} is not a directory ($2)" >&2
    exit 2
  fi
}

# The actor, rollout and judge GPUs must fit on this node.
apprentice_check_gpu_budget() {
  if (( ACTOR_GPUS + ROLLOUT_GPUS + JUDGE_GPUS > NUM_GPUS )); then
    echo "error: ACTOR_GPUS ($ACTOR_GPUS) + ROLLOUT_GPUS ($ROLLOUT_GPUS) + JUDGE_GPUS ($JUDGE_GPUS) > NUM_GPUS ($NUM_GPUS)" >&2
    exit 2
  fi
}

apprentice_check_gateway_settings() {
  APPRENTICE_GATEWAY_URL="${APPRENTICE_GATEWAY_URL:-http://127.0.0.1:8787}"
  if [ -z "${APPRENTICE_BOX_TOKEN:-}" ] && [ -z "${APPRENTICE_BOX_TOKEN_FILE:-}" ]; then
    echo "error: set APPRENTICE_BOX_TOKEN_FILE (the gateway's DATA_DIR/token) or APPRENTICE_BOX_TOKEN" >&2
    exit 2
  fi
}

# Comma list 0..n-1, e.g. apprentice_gpu_list 6 → 0,1,2,3,4,5
apprentice_gpu_list() {
  local n="$1" out="" i
  for ((i = 0; i < n; i++)); do out="${out:+${out},}${i}"; done
  echo "${out}"
}

# $1 = number of GPUs Ray may hand to slime; the rest = slime's train.py arguments.
apprentice_submit() {
  local ray_gpus="$1"
  shift
  local runtime_env
  # JSON built by Python so paths and tokens are escaped properly. The token travels as a file path
  # when possible so it never shows in `ray job` listings.
  runtime_env=$(APPRENTICE_PYTHONPATH="${MEGATRON_ROOT:-}:${APPRENTICE_TRAINER_DIR}:${SLIME_ROOT}" \
    APPRENTICE_GATEWAY_URL="${APPRENTICE_GATEWAY_URL}" python3 -c '
import json, os
names = ["APPRENTICE_GATEWAY_URL", "APPRENTICE_BOX_TOKEN_FILE", "APPRENTICE_BOX_TOKEN",
         "APPRENTICE_W_OPD", "APPRENTICE_W_RL", "APPRENTICE_OPD_IN_REWARD", "APPRENTICE_EXACT_SAMPLE_COUNT",
         "APPRENTICE_BATCH_TIMEOUT_MS", "APPRENTICE_DRAIN_TIMEOUT_S", "APPRENTICE_UPDATE_HEARTBEAT_S",
         "APPRENTICE_HOLD_CHAT_DURING_STEP"]
paths = [p for p in os.environ["APPRENTICE_PYTHONPATH"].split(":") if p]
env = {"PYTHONPATH": ":".join(paths), "CUDA_DEVICE_MAX_CONNECTIONS": "1", "SGLANG_RETURN_ORIGINAL_LOGPROB": "1",
       "SLIME_HOST_IP": "127.0.0.1"}
env.update({n: os.environ[n] for n in names if os.environ.get(n)})
print(json.dumps({"env_vars": env}))')
  local -a command=(ray job submit --address="http://127.0.0.1:${RAY_DASHBOARD_PORT:-8265}"
    --runtime-env-json="${runtime_env}" -- python3 "${SLIME_ROOT%/}/train.py" "$@")

  if [ "${APPRENTICE_DRY_RUN:-0}" = "1" ]; then
    echo "CUDA_VISIBLE_DEVICES=${RAY_CUDA_DEVICES:-$(apprentice_gpu_list "${ray_gpus}")}"
    printf '%s\n' "${command[@]}"
    return 0
  fi

  export PYTHONUNBUFFERED=1
  export no_proxy="127.0.0.1,${no_proxy:-}"
  # Ray only sees the actor + rollout GPUs; the judge/teacher SGLang keeps the others.
  CUDA_VISIBLE_DEVICES="${RAY_CUDA_DEVICES:-$(apprentice_gpu_list "${ray_gpus}")}" \
    ray start --head --node-ip-address 127.0.0.1 --num-gpus "${ray_gpus}" --disable-usage-stats \
    --dashboard-host 127.0.0.1 --dashboard-port "${RAY_DASHBOARD_PORT:-8265}"
  cd "${SLIME_ROOT}"
  "${command[@]}"
}
