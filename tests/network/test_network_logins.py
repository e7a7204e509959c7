"""Boards that refuse the credentials: one `AuthenticationError` naming the host, after one login, never a retry."""

import pytest

from belay_engine import AuthenticationError, Device

from .conftest import HAS_WEBREPL
from .links import count_logins, raises_within

WITH_PASSWORD = ["telnet"] + (["webrepl"] if HAS_WEBREPL else [])


@pytest.mark.parametrize("kind", WITH_PASSWORD)
def test_a_wrong_password_raises_authentication_error_naming_the_host_after_one_login(network_board, kind):
    face = network_board.faces[kind]
    logins = count_logins(face)
    host, port = face.address
    url = network_board.url(kind)
    error, _ = raises_within(AuthenticationError, lambda: Device(url, password="wrong", attempts=-1))
    assert f"{host}:{port}" in str(error)
    assert len(logins) == 1


def test_a_wrong_telnet_user_raises_authentication_error(network_board):
    logins = count_logins(network_board.faces["telnet"])
    raises_within(AuthenticationError, lambda: Device(network_board.url("telnet"), user="root"))
    assert len(logins) == 1


def test_the_right_credentials_still_log_in_after_a_refusal(network_board):
    raises_within(AuthenticationError, lambda: Device(network_board.url("telnet"), password="wrong"))
    with Device(network_board.url("telnet"), user="micro", password="python") as device:
        assert device("1 + 1") == 2


@pytest.mark.parametrize("kind", WITH_PASSWORD)
def test_reconnect_to_a_board_whose_password_changed_raises_authentication_error_once(network_board, kind):
    face = network_board.faces[kind]
    with Device(network_board.url(kind), attempts=5) as device:
        device("x = 1")
        face.password = "changed"
        logins = count_logins(face)
        face.drop_client()
        raises_within(AuthenticationError, device.reconnect)
        assert len(logins) == 1
        face.password = "python"
        device.reconnect()
        assert device("x") == 1
