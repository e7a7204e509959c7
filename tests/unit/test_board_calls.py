import pytest

from belay_engine import board_calls
from belay_engine.board_values import board_source, call_source, encode


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (board_calls.result_of("a, b  # two"), "_belay.r((a, b  # two\n))"),
        (board_calls.result_of_call("f(1)"), "_belay.r(f(1))"),
        (board_calls.proxy_of("x.y"), "_belay.p((x.y\n))"),
        (board_calls.proxy_of_name("thing"), "_belay.p(thing,1)"),
        (board_calls.show_value("1 + 1"), "_belay.v((1 + 1\n))"),
        (board_calls.kept_object(7), "_belay.o[7]"),
        (board_calls.release([3, "g1"]), "_belay.d(3,'g1')"),
        (board_calls.release([4]), "_belay.d(4)"),
    ],
)
def test_value_and_proxy_calls_are_built_exactly(code, expected):
    assert code == expected


def test_a_kept_objects_id_is_read_back_from_its_expression_only():
    assert board_calls.kept_object_id(board_calls.kept_object(12)) == 12
    assert board_calls.kept_object_id("thing") is None
    assert board_calls.kept_object_id("_belay.o[g1]") is None
    assert board_calls.kept_object_id("_belay.o[3].child") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (10, "_belay.c('x = 1\\n','/host/app.py',10)"),
        (0, "_belay.c('x = 1\\n','/host/app.py',1)"),
    ],
)
def test_located_code_names_its_host_file_and_line_from_one(line, expected):
    assert board_calls.run_located("x = 1\n", "/host/app.py", line) == expected


def test_the_helper_install_loop_puts_the_nonce_in_each_part_and_compiles_it_under_the_engine_file():
    code = board_calls.install_helpers(["a='@@'", "b=1"], "N0nce123", "<belay>")
    assert code == (
        "for _belay_h in (\"a='N0nce123'\",'b=1'):\n __import__('gc').collect()\n try:\n"
        "  _belay_h=compile(_belay_h,'<belay>','exec')\n except NameError:\n  pass\n exec(_belay_h)\n"
        "del _belay_h\n__import__('gc').collect()\n"
    )


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (board_calls.stream_start("g1", "count(3)"), "_belay.l('s','_belay_gen')('g1',count(3))"),
        (board_calls.stream_resume("g1"), "_belay.l('s','_belay_gen')('g1')"),
        (board_calls.lockstep_start("g2", "echo()"), "_belay.o['g2']=echo()"),
        (board_calls.lockstep_step("g2", None), "_belay.x('g2',None)"),
        (board_calls.lockstep_step("g2", float("nan")), "_belay.x('g2',float('nan'))"),
        (board_calls.lockstep_step("g2", [1, (2,)]), "_belay.x('g2',[1,(2,)])"),
        (board_calls.close_stream("g1"), "(lambda g:g and g.close())(_belay.o.pop('g1',None))"),
        (board_calls.timed_stream("count(3)"), "_belay_tg(count(3))"),
    ],
)
def test_stream_calls_are_built_exactly(code, expected):
    assert code == expected


def test_a_value_sent_into_a_generator_that_the_board_cannot_read_is_refused():
    with pytest.raises(TypeError, match="cannot be sent to the board"):
        board_calls.lockstep_step("g2", object())


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (board_calls.sync_facts(), "_belay.r((_belay.z,_belay.sha,__import__('gc').mem_free()))"),
        (
            board_calls.drop_sync_helpers(),
            "del _belay.st,_belay.sd,_belay.u,_belay.mv,_belay.rm,_belay.mk,"
            "_belay.fnv,_belay.ue,_belay.z,_belay.sha",
        ),
        (board_calls.tree_hashes("/lib"), "_belay.r(_belay.st('/lib'))"),
        (board_calls.tree_digest("/"), "_belay.r(_belay.sd('/'))"),
        (board_calls.remove(["/a.py"]), "_belay.rm(['/a.py'],[])"),
        (board_calls.remove(["/a.py"], ["/d/e", "/d"]), "_belay.rm(['/a.py'],['/d/e','/d'])"),
        (board_calls.make_dirs(["/d", "/d/e"]), "_belay.mk(['/d','/d/e'])"),
        (board_calls.receive_file("/it's.py", 300, 250, True), '_belay.u("/it\'s.py",300,250,1)'),
        (board_calls.receive_file("/a.py", 3, 3, False), "_belay.u('/a.py',3,3,0)"),
    ],
)
def test_sync_calls_are_built_exactly(code, expected):
    assert code == expected


def test_moving_files_into_place_checks_each_size_and_passes_the_moves_as_a_literal():
    code = board_calls.move_into_place([("/a.py.belay-tmp", "/a.py", 5)])
    assert " _belay_moves([('/a.py.belay-tmp','/a.py',5)])\n" in code
    assert "   _belay.rm([t],[])\n" in code
    assert "  _belay.mv(t,f)\n" in code
    compile(code, "<test>", "exec")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "None"),
        (True, "True"),
        (-12345678901234567890123, "-12345678901234567890123"),
        (1.5, "1.5"),
        (float("nan"), "float('nan')"),
        (float("inf"), "float('inf')"),
        (float("-inf"), "float('-inf')"),
        ('it\'s "quoted"\n', "'it\\'s \"quoted\"\\n'"),
        (b"\x00\xff", "b'\\x00\\xff'"),
        (bytearray(b"ab"), "bytearray(b'ab')"),
        ((1,), "(1,)"),
        ((), "()"),
        (set(), "set()"),
        ({1}, "{1}"),
        ({"k": [float("nan"), (2,)]}, "{'k':[float('nan'),(2,)]}"),
        (range(0, 5), "range(0, 5)"),
    ],
)
def test_host_values_become_board_source(value, expected):
    assert board_source(value) == expected


def test_integers_of_other_types_are_sent_as_plain_ints():
    class Int64(int):  # like numpy's integers: an Integral whose repr is not a literal
        def __repr__(self):
            return f"np.int64({int(self)})"

    assert board_source(Int64(7)) == "7"
    assert board_source([Int64(1)]) == "[1]"


def test_a_value_whose_repr_is_not_code_has_no_board_source():
    assert board_source(object()) is None
    assert board_source([1, object()]) is None
    assert board_source({"k": object()}) is None


def test_a_container_that_holds_itself_has_no_board_source():
    loop: list = []
    loop.append(loop)
    assert board_source(loop) is None


def test_a_value_whose_repr_raises_has_no_board_source():
    class Broken:
        def __repr__(self):
            raise ValueError("no repr")

    assert board_source(Broken()) is None
    with pytest.raises(TypeError, match=r"Broken value .* cannot be sent to the board"):
        encode(Broken())


def test_encoding_a_value_without_board_source_says_what_it_is():
    with pytest.raises(TypeError, match=r"object value <object object at .* cannot be sent to the board"):
        encode(object())


def test_a_call_encodes_positional_and_keyword_arguments():
    assert call_source("f", (1, float("inf")), {"k": "v"}) == "f(1,float('inf'),k='v')"
    assert call_source("f") == "f()"


def test_encoding_a_container_names_the_item_the_board_cannot_read():
    with pytest.raises(TypeError, match=r"^list value \[1, \{'k': <object .* it holds object value <object"):
        encode([1, {"k": object()}])


def test_encoding_a_container_that_holds_itself_is_refused():
    loop: list = [1]
    loop.append(loop)
    with pytest.raises(TypeError, match="cannot be sent to the board: it holds itself"):
        encode(loop)
