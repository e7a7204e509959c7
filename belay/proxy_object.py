"""``belay.proxy_object`` as in Belay 0.30: host stand-ins for objects that live on the board."""

from belay_engine.proxy import ProxyObject, get_proxy_object_target_name

__all__ = ["ProxyObject", "get_proxy_object_target_name"]
