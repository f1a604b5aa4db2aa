from apprentice_trainer.group_assembler import GroupAssembler
from apprentice_trainer.trainer_sample import parse_trainer_sample
from trainer_sample_fixtures import trainer_sample_json


def sample(sample_id, source, index=0):
    return parse_trainer_sample(trainer_sample_json(sample_id=sample_id, source=source, index=index))


def test_group_is_complete_at_expected_size():
    assembler = GroupAssembler(expected_group_size=2)
    assembler.add_fetch([sample("a1", "A", 1), sample("a0", "A", 0), sample("b0", "B")], drained=False)
    assert assembler.ready_count() == 1
    [group] = assembler.take_ready(5)
    assert [s.sample_id for s in group] == ["a0", "a1"]  # ordered by index


def test_short_fetch_means_the_queue_was_drained_so_partial_groups_are_done():
    assembler = GroupAssembler(expected_group_size=4)
    assembler.add_fetch([sample("a0", "A"), sample("b0", "B")], drained=True)
    assert assembler.ready_count() == 2


def test_group_split_across_fetches_waits_for_its_tail():
    assembler = GroupAssembler(expected_group_size=3)
    assembler.add_fetch([sample("a0", "A"), sample("b0", "B")], drained=False)
    assert assembler.ready_count() == 0
    assembler.add_fetch([sample("b1", "B"), sample("c0", "C")], drained=False)
    assert assembler.ready_count() == 1  # A got nothing new, so it was whole
    [group] = assembler.take_ready(1)
    assert [s.sample_id for s in group] == ["a0"]
    assembler.add_fetch([], drained=True)
    assert [[s.sample_id for s in g] for g in assembler.take_ready(5)] == [["b0", "b1"], ["c0"]]


def test_extra_groups_stay_for_the_next_rollout_and_redeliveries_are_dropped():
    assembler = GroupAssembler()
    added = assembler.add_fetch([sample("a0", "A"), sample("b0", "B"), sample("c0", "C")], drained=True)
    assert added == 3
    assert len(assembler.take_ready(2)) == 2
    assert assembler.add_fetch([sample("a0", "A")], drained=True) == 0
    assert [[s.sample_id for s in g] for g in assembler.take_ready(2)] == [["c0"]]
    assert assembler.pending_samples == 0
