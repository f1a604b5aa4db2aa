from apprentice_trainer.group_assembler import GroupAssembler
from apprentice_trainer.trainer_sample import parse_trainer_sample
from trainer_sample_fixtures import trainer_sample_json


def sample(sample_id, source, index=0):
    return parse_trainer_sample(trainer_sample_json(sample_id=sample_id, source=source, index=index))


def ids(groups):
    return [[s.sample_id for s in g] for g in groups]


def test_groups_followed_by_another_source_are_whole_and_the_tail_waits():
    assembler = GroupAssembler()
    assembler.add_fetch([sample("a0", "A", 0), sample("a1", "A", 1), sample("b0", "B", 2)], drained=False)
    assert assembler.ready_groups() == 1  # B may continue in the next fetch
    assert ids(assembler.take_groups(5)) == [["a0", "a1"]]
    assembler.add_fetch([sample("b1", "B", 3), sample("b2", "B", 4), sample("c0", "C", 5)], drained=False)
    assert ids(assembler.take_groups(5)) == [["b0", "b1", "b2"]]


def test_short_fetch_means_the_queue_was_drained_so_the_tail_is_whole():
    assembler = GroupAssembler()
    assembler.add_fetch([sample("a0", "A"), sample("b0", "B")], drained=True)
    assert assembler.ready_groups() == 2


def test_tail_is_whole_when_the_next_fetch_does_not_extend_it():
    assembler = GroupAssembler()
    assembler.add_fetch([sample("a0", "A")], drained=False)
    assert assembler.ready_groups() == 0
    assembler.add_fetch([sample("c0", "C")], drained=False)
    assert ids(assembler.take_groups(5)) == [["a0"]]
    assembler.add_fetch([], drained=True)
    assert ids(assembler.take_groups(5)) == [["c0"]]


def test_extra_groups_stay_for_the_next_rollout_and_redeliveries_are_dropped():
    assembler = GroupAssembler()
    added = assembler.add_fetch([sample("a0", "A"), sample("b0", "B"), sample("c0", "C")], drained=True)
    assert added == 3
    assert len(assembler.take_groups(2)) == 2
    assert assembler.add_fetch([sample("a0", "A")], drained=True) == 0
    assert ids(assembler.take_groups(2)) == [["c0"]]
    assert assembler.pending_samples == 0


def test_exact_sample_count_splits_only_the_boundary_group():
    assembler = GroupAssembler()
    assembler.add_fetch(
        [sample("a0", "A"), sample("b0", "B"), sample("b1", "B"), sample("b2", "B"), sample("c0", "C")], drained=True
    )
    assert assembler.ready_samples() == 5
    assert ids(assembler.take_samples(3)) == [["a0"], ["b0", "b1"]]
    assert ids(assembler.take_samples(3)) == [["b2"], ["c0"]]
    assert assembler.pending_samples == 0


def test_withdrawn_samples_leave_and_put_back_groups_return_to_the_front():
    assembler = GroupAssembler()
    assembler.add_fetch([sample("a0", "A"), sample("a1", "A"), sample("b0", "B"), sample("c0", "C")], drained=True)
    taken = assembler.take_groups(2)
    assert ids(taken) == [["a0", "a1"], ["b0"]]
    assembler.put_back(taken)
    assert assembler.withdraw({"a0", "a1"}) == 2
    assert ids(assembler.take_groups(5)) == [["b0"], ["c0"]]


def test_put_back_rejoins_a_split_group_with_its_rest():
    assembler = GroupAssembler()
    assembler.add_fetch([sample("a0", "A"), sample("a1", "A"), sample("a2", "A")], drained=True)
    taken = assembler.take_samples(2)
    assembler.put_back(taken)
    assert ids(assembler.take_groups(5)) == [["a0", "a1", "a2"]]


def test_a_hinted_group_is_two_rollouts_and_is_cut_at_the_limit():
    assembler = GroupAssembler()
    assembler.add_fetch(
        [sample("A", "A"), sample("A#onpolicy-0", "A"), sample("A#onpolicy-1", "A"), sample("B", "B")], drained=True
    )
    assert assembler.ready_rollouts() == 3
    assert ids(assembler.take_rollouts(1)) == [["A"]]  # the regenerations wait for the next rollout
    assert ids(assembler.take_rollouts(5)) == [["A#onpolicy-0", "A#onpolicy-1"], ["B"]]
