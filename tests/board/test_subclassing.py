import pytest

from belay_engine import Device


class Sensor(Device):
    """A Device subclass as Belay users write them."""

    @Device.setup(autoinit=True)
    def init():
        calls = []

    @Device.task(implementation="circuitpython")
    def name():
        return "circuitpython version"

    @Device.task(implementation="micropython")
    def name():  # noqa: F811 - one definition per implementation is the point
        return "micropython version"

    @Device.task
    def record(value):
        calls.append(value)
        return len(calls)

    @Device.thread
    def background():
        global background_ran
        background_ran = True

    def __pre_autoinit__(self):
        self.order = ["pre"]

    def __post_init__(self):
        self.order.append("post")


def test_subclass_methods_become_board_tasks_with_autoinit_setup():
    with Sensor("virtual:") as sensor:
        assert sensor.record(5) == 1
        assert sensor.record(6) == 2
        assert sensor("calls") == [5, 6]


def test_the_overload_for_the_connected_implementation_is_chosen():
    with Sensor("virtual:") as sensor:
        assert sensor.name() == "micropython version"


def test_hooks_run_before_and_after_autoinit():
    with Sensor("virtual:") as sensor:
        assert sensor.order == ["pre", "post"]


def test_class_level_thread_decorator_makes_a_thread_not_a_task():
    with Sensor("virtual:") as sensor:
        sensor("background_ran = False")
        sensor.background()
        sensor("import time\nfor _ in range(200):\n if background_ran: break\n time.sleep_ms(5)")
        assert sensor("background_ran") is True


def test_mixing_executor_and_plain_methods_of_one_name_is_refused():
    with pytest.raises(ValueError, match="Cannot mix"):

        class Broken(Device):
            @Device.task
            def thing():
                return 1

            def thing(self):  # noqa: F811
                return 2


def test_autoinit_setup_with_parameters_is_refused():
    with pytest.raises(ValueError, match="autoinit"):

        class Broken(Device):
            @Device.setup(autoinit=True)
            def init(x):
                pass
