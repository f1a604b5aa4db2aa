"""Small TrainerSample payloads shaped like the gateway's JSON (shared/protocol/trainer-api.ts)."""


def trainer_sample_json(sample_id="s1", source="src1", index=0, response=3, reward=-1, teacher=True, **overrides):
    prompt = [101, 102, 103, 104]
    body = {
        "sampleId": sample_id,
        "personaId": "persona-a",
        "sourceSampleId": source,
        "index": index,
        "tokens": prompt + [200 + i for i in range(response)],
        "response_length": response,
        "loss_mask": [1] * response,
        "rollout_log_probs": [-1.0 - 0.1 * i for i in range(response)],
        "reward": reward,
        "teacher_log_probs": [-0.5 - 0.1 * i for i in range(response)] if teacher else None,
        "retokenized": False,
        "hint": "Be shorter." if teacher else None,
        "policyVersion": "3",
    }
    body.update(overrides)
    return body
