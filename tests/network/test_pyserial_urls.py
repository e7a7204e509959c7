"""pyserial URL handlers get only the open options they support; socket:// connections run without Nagle."""

import socket

from belay_engine.transports.serial import SerialTransport, open_options


def test_rfc2217_gets_no_write_timeout_nor_exclusive():
    options = open_options("rfc2217://127.0.0.1:2217", baudrate=9600, exclusive=True)
    assert options == {"timeout": 0, "baudrate": 9600}


def test_socket_urls_get_a_write_timeout_and_no_local_port_options():
    options = open_options("socket://127.0.0.1:4000", baudrate=115200, exclusive=True)
    assert set(options) == {"timeout", "write_timeout"}


def test_local_ports_get_every_option():
    options = open_options("/dev/ttyACM0", baudrate=115200, exclusive=False)
    assert options == {"timeout": 0, "baudrate": 115200, "write_timeout": 10, "exclusive": False}


def test_a_socket_url_connection_has_tcp_nodelay(network_board):
    transport = SerialTransport(network_board.url("tcp"))
    try:
        assert transport._port._socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        transport.close()
