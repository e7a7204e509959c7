import pytest
from hypothesis import given
from hypothesis import strategies as st

from belay_engine.protocol.control_bytes import GRANT
from belay_engine.protocol.file_credit import FIRST_CREDIT, GRANT_SIZE, FileCredit, file_bytes_done

WIRE = bytes(range(256)) * 4  # 1024 wire bytes


def board_reading(read_sizes):
    """What the board's receiver writes as it reads: one GRANT per GRANT_SIZE bytes read, as it reads them."""
    used = 0
    for size in read_sizes:
        used += size
        grants, used = divmod(used, GRANT_SIZE)
        yield GRANT * grants


def transfer(wire, stdout_chunks):
    credit = FileCredit(wire)
    received = [credit.first_chunk()]
    progress = [credit.wire_sent]
    for chunk in stdout_chunks:
        credit.receive_data(chunk)
        received.extend(credit.data_to_send())
        progress.append(credit.wire_sent)
    return credit, b"".join(received), progress


def test_the_first_credit_goes_with_the_command():
    credit = FileCredit(WIRE)
    assert credit.first_chunk() == WIRE[:FIRST_CREDIT]
    assert credit.data_to_send() == []
    assert not credit.complete


def test_a_file_smaller_than_the_first_credit_goes_whole_with_the_command():
    credit = FileCredit(b"small")
    assert credit.first_chunk() == b"small"
    assert credit.complete
    credit.receive_data(GRANT * 3)
    assert credit.data_to_send() == []


def test_each_grant_lets_grant_size_more_bytes_go():
    credit = FileCredit(WIRE)
    credit.first_chunk()
    credit.receive_data(GRANT)
    assert credit.data_to_send() == [WIRE[FIRST_CREDIT : FIRST_CREDIT + GRANT_SIZE]]


def test_several_grants_in_one_chunk_add_up():
    credit = FileCredit(WIRE)
    credit.first_chunk()
    credit.receive_data(GRANT * 3)
    assert credit.data_to_send() == [WIRE[FIRST_CREDIT : FIRST_CREDIT + 3 * GRANT_SIZE]]


def test_nothing_goes_without_a_grant():
    credit = FileCredit(WIRE)
    credit.first_chunk()
    credit.receive_data(b"")
    credit.receive_data(b"board text, no grant")
    assert credit.data_to_send() == []


def test_the_first_chunk_is_handed_out_once():
    credit = FileCredit(WIRE)
    credit.first_chunk()
    with pytest.raises(RuntimeError):
        credit.first_chunk()


@pytest.mark.parametrize("cut", range(0, 40))
def test_grants_split_at_any_offset_send_the_whole_file_exactly_once(cut):
    stdout = b"".join(board_reading([len(WIRE)]))  # every grant the whole transfer earns
    credit, received, progress = transfer(WIRE, [stdout[:cut], stdout[cut:]])
    assert credit.complete
    assert received == WIRE[: FIRST_CREDIT + len(stdout) * GRANT_SIZE]
    assert progress == sorted(progress)


@given(st.lists(st.integers(min_value=1, max_value=200), min_size=1, max_size=60), st.binary(max_size=3000))
def test_the_whole_file_goes_exactly_once_in_order_however_the_board_reads_it(read_sizes, wire):
    # The board reads what it has been sent, in pieces of any size, granting as it goes; until it has all.
    credit = FileCredit(wire)
    received = credit.first_chunk()
    read = 0
    progress = [credit.wire_sent]
    sizes = iter(read_sizes)
    used = 0
    while read < len(wire):
        size = min(next(sizes, 160), len(received) - read)
        assert size > 0, "the board waits for bytes the host never sends"
        read += size
        used += size
        grants, used = divmod(used, GRANT_SIZE)
        credit.receive_data(b"x" * (size % 3) + GRANT * grants)
        received += b"".join(credit.data_to_send())
        assert len(received) - read <= FIRST_CREDIT  # never more on its way than the board's buffer holds
        progress.append(credit.wire_sent)
    assert received == wire
    assert credit.complete
    assert progress == sorted(progress)


@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=0, max_value=5000))
def test_file_progress_is_in_proportion_monotone_and_ends_at_the_file_size(wire_size, file_size):
    done = [file_bytes_done(sent, wire_size, file_size) for sent in range(0, wire_size + 1, 7)]
    assert done == sorted(done)
    assert all(0 <= d <= file_size for d in done)
    assert file_bytes_done(wire_size, wire_size, file_size) == file_size


def test_a_large_grant_goes_in_pieces_of_at_most_the_piece_size():
    credit = FileCredit(WIRE, piece=100)
    credit.first_chunk()
    credit.receive_data(GRANT * 10)  # 320 bytes of credit
    chunks = credit.data_to_send()
    assert [len(chunk) for chunk in chunks] == [100, 100, 100, 20]
    assert b"".join(chunks) == WIRE[FIRST_CREDIT : FIRST_CREDIT + 320]


@given(st.integers(min_value=1, max_value=300), st.lists(st.integers(min_value=0, max_value=50), max_size=40))
def test_pieces_cover_the_credit_exactly_once_in_order(piece, grant_counts):
    credit = FileCredit(WIRE, piece=piece)
    received = credit.first_chunk()
    for count in grant_counts:
        credit.receive_data(GRANT * count)
        chunks = credit.data_to_send()
        assert all(0 < len(chunk) <= piece for chunk in chunks)
        received += b"".join(chunks)
    assert received == WIRE[: FIRST_CREDIT + GRANT_SIZE * sum(grant_counts)]
