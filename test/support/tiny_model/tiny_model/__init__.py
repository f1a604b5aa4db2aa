"""A tiny causal language model and the pieces around it that let Apprentice's real loop run on a CPU.

world.json (beside this package) is the model's whole world: requests that can each be answered formally
or casually. `pretrain` writes a Hugging Face-style model folder (tokenizer.json, tokenizer_config.json
with a chat template, generation_config.json, config.json, model.pt); `engine` serves it over the SGLang
HTTP subset the box gateway uses; `driver` trains it from the gateway's trainer API with the plugin in
box/trainer, the way slime would.
"""
