import json
import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
FLAG_LISTS = Path(__file__).resolve().parents[1] / "slime_flags"
# Scripts that split GPUs between actor, rollout and judge, and the one-GPU colocated script.
SPLIT_LAUNCHERS = ["run_full_megatron.sh", "run_lora_fsdp.sh"]
LAUNCHERS = SPLIT_LAUNCHERS + ["run_one_gpu.sh"]
MEGATRON_LAUNCHERS = ["run_full_megatron.sh", "run_one_gpu.sh"]


@pytest.mark.parametrize("name", LAUNCHERS + ["submit-to-ray.sh"])
def test_scripts_parse(name):
    result = subprocess.run(["bash", "-n", str(SCRIPTS / name)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def dry_run(name, **env):
    base = {
        "PATH": "/usr/bin:/bin",
        "APPRENTICE_DRY_RUN": "1",
        "SLIME_ROOT": "/opt/slime",
        "HF_CKPT": "/models/Qwen3-4B",
        "APPRENTICE_BOX_TOKEN_FILE": "/data/box/token",
    }
    base.update(env)
    return subprocess.run(["bash", str(SCRIPTS / name)], capture_output=True, text=True, env=base)


def flag_value(argv, flag):
    return argv[argv.index(flag) + 1]


def train_py_argv(argv):
    """The arguments slime's train.py gets (after `-- python3 $SLIME_ROOT/train.py`)."""
    return argv[argv.index("--") + 3 :]


def runtime_env_vars(argv):
    return json.loads(next(a for a in argv if a.startswith("--runtime-env-json=")).split("=", 1)[1])["env_vars"]


def test_full_megatron_wires_the_plugin_with_the_papers_settings():
    result = dry_run("run_full_megatron.sh")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "CUDA_VISIBLE_DEVICES=0,1,2,3,4,5"  # GPUs 6, 7 stay with the judge engine
    argv = lines[1:]
    expected = {
        "--rollout-function-path": "apprentice_trainer.rollout.generate_rollout",
        "--custom-loss-function-path": "apprentice_trainer.loss.apprentice_loss",
        "--loss-type": "custom_loss",
        "--advantage-estimator": "grpo",
        "--lr": "1e-5",
        "--adam-beta1": "0.9",
        "--adam-beta2": "0.98",
        "--weight-decay": "0.1",
        "--eps-clip": "0.2",
        "--eps-clip-high": "0.28",
        "--rollout-temperature": "1.0",
        "--rollout-batch-size": "16",
        "--n-samples-per-prompt": "1",
        "--reward-key": "score",
        "--actor-num-gpus-per-node": "4",
        "--rollout-num-gpus": "2",
        "--ref-load": "/models/Qwen3-4B_torch_dist",
        "--custom-megatron-before-train-step-hook-path": "apprentice_trainer.weights_hooks.announce_before_train_step",
    }
    for flag, value in expected.items():
        assert flag_value(argv, flag) == value, flag
    env_vars = runtime_env_vars(argv)
    assert env_vars["PYTHONPATH"].split(":")[0] == str(SCRIPTS.parent)
    assert env_vars["APPRENTICE_BOX_TOKEN_FILE"] == "/data/box/token"
    assert "APPRENTICE_BOX_TOKEN" not in env_vars
    # Raw (T = 1) log-probs everywhere: slime's engines return unscaled sampled log-probs.
    assert env_vars["SGLANG_RETURN_ORIGINAL_LOGPROB"] == "1"


def test_lora_fsdp_uses_four_gpus_and_folds_opd_into_the_reward():
    result = dry_run("run_lora_fsdp.sh")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "CUDA_VISIBLE_DEVICES=0,1,2"
    argv = lines[1:]
    assert flag_value(argv, "--train-backend") == "fsdp"
    assert "--use-lora" in argv and flag_value(argv, "--lora-rank") == "16"
    assert flag_value(argv, "--actor-num-gpus-per-node") == "2"
    # Restarts resume from the saved adapter, not the base model.
    assert flag_value(argv, "--load") == flag_value(argv, "--save") == "/models/Qwen3-4B_apprentice_lora"
    assert "--custom-loss-function-path" not in argv  # the FSDP backend would ignore it
    env_vars = runtime_env_vars(argv)
    assert env_vars["APPRENTICE_OPD_IN_REWARD"] == "1"
    assert env_vars["APPRENTICE_EXACT_SAMPLE_COUNT"] == "1"


@pytest.mark.parametrize("name", LAUNCHERS)
def test_rewards_stay_raw_and_old_log_probs_are_the_rollouts(name):
    result = dry_run(name)
    assert result.returncode == 0, result.stderr
    argv = result.stdout.splitlines()[1:]
    assert "--disable-rewards-normalization" in argv
    assert "--use-rollout-logprobs" in argv
    assert "--normalize-advantages" not in argv
    assert flag_value(argv, "--rollout-temperature") == "1.0"


@pytest.mark.parametrize("name", MEGATRON_LAUNCHERS)
@pytest.mark.parametrize("kl_coef", [None, "0", "0.0"])
def test_no_kl_flags_and_no_reference_model_without_a_kl_coefficient(name, kl_coef):
    result = dry_run(name, **({} if kl_coef is None else {"KL_COEF": kl_coef}))
    assert result.returncode == 0, result.stderr
    argv = result.stdout.splitlines()[1:]
    for flag in ("--use-kl-loss", "--kl-loss-coef", "--kl-loss-type"):
        assert flag not in argv
    # --ref-load remains: slime's starting checkpoint until SAVE_CKPT has one.
    assert flag_value(argv, "--ref-load") == "/models/Qwen3-4B_torch_dist"


@pytest.mark.parametrize("name", MEGATRON_LAUNCHERS)
def test_a_kl_coefficient_turns_the_kl_loss_on(name):
    result = dry_run(name, KL_COEF="0.01")
    assert result.returncode == 0, result.stderr
    argv = result.stdout.splitlines()[1:]
    assert "--use-kl-loss" in argv
    assert flag_value(argv, "--kl-loss-coef") == "0.01"
    assert flag_value(argv, "--kl-loss-type") == "low_var_kl"
    assert dry_run(name, KL_COEF="lots").returncode == 2


@pytest.mark.parametrize("name", SPLIT_LAUNCHERS)
def test_impossible_gpu_split_is_refused(name):
    result = dry_run(name, NUM_GPUS="2")
    assert result.returncode == 2
    assert "NUM_GPUS" in result.stderr


@pytest.mark.parametrize("name", LAUNCHERS)
def test_missing_token_is_refused(name):
    result = dry_run(name, APPRENTICE_BOX_TOKEN_FILE="")
    assert result.returncode == 2
    assert "APPRENTICE_BOX_TOKEN_FILE" in result.stderr


@pytest.mark.parametrize("name", LAUNCHERS)
def test_train_py_runs_from_the_slime_checkout_whatever_the_jobs_working_directory(name):
    # `ray job submit` runs its entrypoint in Ray's job directory, not where the script cd'ed.
    argv = dry_run(name, SLIME_ROOT="/opt/slime/").stdout.splitlines()[1:]
    assert argv[argv.index("--") + 1 : argv.index("--") + 3] == ["python3", "/opt/slime/train.py"]


@pytest.mark.parametrize("name", LAUNCHERS)
def test_slime_launches_its_own_router_on_loopback(name):
    # A set --sglang-router-ip tells slime's _start_router that a router already runs there, so it
    # starts none and the engines' registration and the gateway's --sglang find nothing.
    result = dry_run(name)
    assert result.returncode == 0, result.stderr
    argv = result.stdout.splitlines()[1:]
    assert "--sglang-router-ip" not in argv
    assert flag_value(argv, "--sglang-router-port") == "30000"
    assert dry_run(name, SGLANG_ROUTER_PORT="31000").stdout.splitlines()[1:].count("31000") == 1
    # slime's get_host_info() reads SLIME_HOST_IP: the router binds 127.0.0.1, where the gateway looks.
    assert runtime_env_vars(argv)["SLIME_HOST_IP"] == "127.0.0.1"


def slime_flag_list(name):
    path = FLAG_LISTS / name
    return {line for line in path.read_text().splitlines() if line.startswith("--")}


UPSTREAM_FLAGS = "thudm-slime-624b824.txt"  # the pinned commit, see box/README.md
FSDP_FORK_FLAGS = "openclaw-rl-slime-0d034dd.txt"  # the LoRA script needs OpenClaw-RL's slime

# Every mode a script can run in: each must pass only flags its slime knows (slime's parse_args hands
# Megatron's parser ignore_unknown_args=True, so an unknown flag would be dropped without a word).
SCRIPT_MODES = [
    ("run_full_megatron.sh", {}, UPSTREAM_FLAGS),
    ("run_full_megatron.sh", {"KL_COEF": "0.01"}, UPSTREAM_FLAGS),
    ("run_full_megatron.sh", {"APPRENTICE_ANNOUNCE_UPDATES": "0"}, UPSTREAM_FLAGS),
    ("run_full_megatron.sh", {"WEIGHT_TRANSPORT": "disk", "UPDATE_WEIGHT_DISK_DIR": "/shared/weights"}, UPSTREAM_FLAGS),
    ("run_one_gpu.sh", {}, UPSTREAM_FLAGS),
    ("run_one_gpu.sh", {"KL_COEF": "0.01", "OPTIMIZER_OFFLOAD": "0"}, UPSTREAM_FLAGS),
    ("run_lora_fsdp.sh", {}, FSDP_FORK_FLAGS),
]


def model_config_root(tmp_path):
    """A stand-in slime checkout whose model file defines MODEL_ARGS as slime's do (Qwen3-4B's shape)."""
    models = tmp_path / "slime" / "scripts" / "models"
    models.mkdir(parents=True)
    (models / "qwen3-4B.sh").write_text(
        "MODEL_ARGS=(--swiglu --num-layers 36 --hidden-size 2560 --ffn-hidden-size 9728 --num-attention-heads 32\n"
        "  --group-query-attention --num-query-groups 8 --use-rotary-position-embeddings --disable-bias-linear\n"
        "  --normalization RMSNorm --norm-epsilon 1e-6 --rotary-base 1000000 --vocab-size 151936 --kv-channels 128\n"
        "  --qk-layernorm)\n"
    )
    return str(tmp_path / "slime")


@pytest.mark.parametrize(("name", "env", "flag_list"), SCRIPT_MODES)
def test_every_flag_a_script_passes_is_one_its_slime_accepts(tmp_path, name, env, flag_list):
    known = slime_flag_list(flag_list)
    result = dry_run(name, SLIME_ROOT=model_config_root(tmp_path), **env)
    assert result.returncode == 0, result.stderr
    passed = [a for a in train_py_argv(result.stdout.splitlines()[1:]) if a.startswith("--")]
    assert len(passed) > 30
    if name != "run_lora_fsdp.sh":
        assert "--num-layers" in passed  # MODEL_ARGS from the model file are checked too
    assert [f for f in passed if f not in known] == []


def test_the_flag_lists_know_real_flags_and_not_made_up_ones():
    upstream = slime_flag_list(UPSTREAM_FLAGS)
    # slime's own, Megatron's (via slime's parser) and SGLang's (prefixed) namespaces are all there.
    assert {"--rollout-function-path", "--colocate", "--update-weight-disk-dir", "--lr", "--recompute-granularity",
            "--optimizer-cpu-offload", "--sglang-router-port", "--sglang-mem-fraction-static"} <= upstream
    # Upstream slime dropped FSDP (#1664) and never had LoRA; the fork has both.
    assert "--use-lora" not in upstream and "--use-lora" in slime_flag_list(FSDP_FORK_FLAGS)
    assert "--update-weight-start-version" not in upstream  # resumes restart slime's weight counter
    assert "--sglang-router-addr" not in upstream


def test_disk_weight_transport_needs_a_shared_directory_and_announces_after_the_write():
    refused = dry_run("run_full_megatron.sh", WEIGHT_TRANSPORT="disk")
    assert refused.returncode == 2 and "UPDATE_WEIGHT_DISK_DIR" in refused.stderr
    assert dry_run("run_full_megatron.sh", WEIGHT_TRANSPORT="carrier-pigeon").returncode == 2
    result = dry_run("run_full_megatron.sh", WEIGHT_TRANSPORT="disk", UPDATE_WEIGHT_DISK_DIR="/shared/weights")
    assert result.returncode == 0, result.stderr
    argv = result.stdout.splitlines()[1:]
    assert flag_value(argv, "--update-weight-transport") == "disk"
    assert flag_value(argv, "--update-weight-disk-dir") == "/shared/weights"
    assert flag_value(argv, "--custom-update-weight-post-write-path") == "apprentice_trainer.weights_hooks.announce_after_disk_write"
    assert "--custom-megatron-before-train-step-hook-path" not in argv
    quiet = dry_run("run_full_megatron.sh", WEIGHT_TRANSPORT="disk", UPDATE_WEIGHT_DISK_DIR="/w", APPRENTICE_ANNOUNCE_UPDATES="0")
    assert "--custom-update-weight-post-write-path" not in quiet.stdout.splitlines()


def test_one_gpu_colocates_actor_and_engine_and_keeps_opd_per_token():
    result = dry_run("run_one_gpu.sh")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "CUDA_VISIBLE_DEVICES=0"
    argv = lines[1:]
    slime_argv = train_py_argv(argv)
    assert "--colocate" in slime_argv  # slime then offloads the actor and releases the engine around steps
    for flag, value in {
        "--actor-num-gpus-per-node": "1",
        "--rollout-num-gpus": "1",
        "--num-gpus-per-node": "1",
        "--rollout-num-gpus-per-engine": "1",
        "--tensor-model-parallel-size": "1",
        "--loss-type": "custom_loss",
        "--custom-loss-function-path": "apprentice_trainer.loss.apprentice_loss",
        "--recompute-granularity": "full",
        "--max-tokens-per-gpu": "4096",
        "--sglang-mem-fraction-static": "0.7",
        "--ref-load": "/models/Qwen3-4B_torch_dist",
    }.items():
        assert flag_value(slime_argv, flag) == value, flag
    assert {"--optimizer-cpu-offload", "--use-precision-aware-optimizer"} <= set(slime_argv)
    assert "--optimizer-cpu-offload" not in train_py_argv(dry_run("run_one_gpu.sh", OPTIMIZER_OFFLOAD="0").stdout.splitlines()[1:])
    assert "--train-backend" not in slime_argv and "--use-lora" not in slime_argv
    env_vars = runtime_env_vars(argv)
    assert "APPRENTICE_OPD_IN_REWARD" not in env_vars  # OPD stays a per-token term of the custom loss
    # The engine's memory is released during a step: the rollout function holds chat before returning.
    assert env_vars["APPRENTICE_HOLD_CHAT_DURING_STEP"] == "1"
    assert env_vars["SGLANG_RETURN_ORIGINAL_LOGPROB"] == "1"
