from belay_engine.implementation import Implementation


def test_unix_port_reply_gives_x64_and_a_three_part_version():
    reply = ("micropython", (1, 29, 0, "preview"), "linux", 2822, ("native", "viper"))
    implementation = Implementation.from_board_reply(reply)
    assert implementation == Implementation(
        "micropython", (1, 29, 0), "linux", "x64", ("native", "viper"), mpy_version=6, mpy_sub_version=3
    )


def test_board_without_mpy_support_has_no_arch():
    implementation = Implementation.from_board_reply(("circuitpython", (9, 1, 0), "RP2040", None, ()))
    assert (implementation.arch, implementation.mpy_version) == (None, None)


def test_unknown_arch_index_does_not_crash():
    assert Implementation.from_board_reply(("micropython", (1, 30, 0), "x", 63 << 10 | 6, ())).arch is None
