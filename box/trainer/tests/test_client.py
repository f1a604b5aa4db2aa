import pytest

from apprentice_trainer.client import TrainerApiClient, TrainerApiError
from apprentice_trainer.config import GatewayConfig

TOKEN = "abcdefghijklmnopqrstuvwxyz"


def test_unreachable_gateway_is_retried_then_named():
    slept: list[float] = []
    client = TrainerApiClient(
        GatewayConfig(url="http://127.0.0.1:9", token=TOKEN), retries=2, backoff_s=0.01, sleep=slept.append
    )
    with pytest.raises(TrainerApiError, match="gave up after 3 attempts") as info:
        client.set_weights("ready", "1")
    assert info.value.status is None
    assert slept == [0.01, 0.02]
