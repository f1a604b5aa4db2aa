import json
import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
LAUNCHERS = ["run_full_megatron.sh", "run_lora_fsdp.sh"]


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


def test_full_megatron_wires_the_plugin_with_the_papers_settings():
    result = dry_run("run_full_megatron.sh")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "CUDA_VISIBLE_DEVICES=0,1,2,3,4,5"  # GPUs 6, 7 stay with the judge engine
    argv = lines[1:]
    assert argv[argv.index("--") + 1 : argv.index("--") + 3] == ["python3", "train.py"]
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
    runtime_env = json.loads(next(a for a in argv if a.startswith("--runtime-env-json=")).split("=", 1)[1])
    env_vars = runtime_env["env_vars"]
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
    env_vars = json.loads(next(a for a in argv if a.startswith("--runtime-env-json=")).split("=", 1)[1])["env_vars"]
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


@pytest.mark.parametrize("kl_coef", [None, "0", "0.0"])
def test_no_kl_flags_and_no_reference_model_without_a_kl_coefficient(kl_coef):
    result = dry_run("run_full_megatron.sh", **({} if kl_coef is None else {"KL_COEF": kl_coef}))
    assert result.returncode == 0, result.stderr
    argv = result.stdout.splitlines()[1:]
    for flag in ("--use-kl-loss", "--kl-loss-coef", "--kl-loss-type"):
        assert flag not in argv
    # --ref-load remains: slime's starting checkpoint until SAVE_CKPT has one.
    assert flag_value(argv, "--ref-load") == "/models/Qwen3-4B_torch_dist"


def test_a_kl_coefficient_turns_the_kl_loss_on():
    result = dry_run("run_full_megatron.sh", KL_COEF="0.01")
    assert result.returncode == 0, result.stderr
    argv = result.stdout.splitlines()[1:]
    assert "--use-kl-loss" in argv
    assert flag_value(argv, "--kl-loss-coef") == "0.01"
    assert flag_value(argv, "--kl-loss-type") == "low_var_kl"
    assert dry_run("run_full_megatron.sh", KL_COEF="lots").returncode == 2


@pytest.mark.parametrize("name", LAUNCHERS)
def test_impossible_gpu_split_is_refused(name):
    result = dry_run(name, NUM_GPUS="2")
    assert result.returncode == 2
    assert "NUM_GPUS" in result.stderr


@pytest.mark.parametrize("name", LAUNCHERS)
def test_missing_token_is_refused(name):
    result = dry_run(name, APPRENTICE_BOX_TOKEN_FILE="")
    assert result.returncode == 2
    assert "APPRENTICE_BOX_TOKEN_FILE" in result.stderr
