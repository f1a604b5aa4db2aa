"""Apprentice's slime plugin: pulls judged turns from the box gateway and trains on them.

Entry points for slime's command line:
  --rollout-function-path apprentice_trainer.rollout.generate_rollout
  --custom-loss-function-path apprentice_trainer.loss.apprentice_loss
  --custom-megatron-before-train-step-hook-path apprentice_trainer.weights_hooks.announce_before_train_step
  --custom-update-weight-post-write-path apprentice_trainer.weights_hooks.announce_after_disk_write
"""
