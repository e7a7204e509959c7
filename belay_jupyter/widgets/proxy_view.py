"""ProxyView: an ipywidgets view of a board object — attributes or items with editors, methods with a Call button."""

import ast
import contextlib
import threading
from typing import Any, Optional

import ipywidgets
from attrs import frozen

from belay_engine.board_calls import result_of_call
from belay_engine.errors import ConnectionLost, PyboardException
from belay_engine.proxy import ProxyObject, get_proxy_object_target_name, proxy_object_lost

#: Items shown for a board dict, list or tuple; a longer one shows its first ones.
MAX_ITEMS = 200
#: Characters of a value's repr brought over from the board.
MAX_REPR = 200
_EDITABLE = ("int", "float", "str", "bool")
_INTERVALS = (("off", 0.0), ("1 s", 1.0), ("2 s", 2.0), ("5 s", 5.0), ("10 s", 10.0))

# One exchange for the whole view: the object's type, its kind (dict, sequence, attributes) and one
# (name, type, repr, callable, failed) row per item or attribute, dunders skipped. Each value is read on its
# own, so one that raises (a property) becomes a failed row of the exception's type and repr, not a failed
# view; MicroPython's dir() of an instance reads every attribute and fails with it, so then the names come
# from the instance's __dict__ and its class. A lambda cannot hold `try`, hence a function, removed at once.
# `{report}` reports `_belay_pv` of the proxy's target (an engine-made board expression), `{n}` is the item limit,
# `{r}` the repr limit.
_SNAPSHOT = """\
def _belay_pv(o):
 def row(n,f):
  try:
   v=f()
   return (n,type(v).__name__,repr(v)[:{r}],callable(v),0)
  except Exception as e:
   return (n,type(e).__name__,repr(e)[:{r}],0,1)
 if isinstance(o,dict):
  return (type(o).__name__,'d',[row(repr(k),lambda:v) for k,v in list(o.items())[:{n}]])
 if isinstance(o,(list,tuple)):
  return (type(o).__name__,'s',[row(repr(i),lambda:v) for i,v in enumerate(o[:{n}])])
 try:
  d=dir(o)
 except Exception:
  d=list(o.__dict__) if hasattr(o,'__dict__') else []
  d+=[n for n in dir(type(o)) if n not in d]
  d.sort()
 return (type(o).__name__,'a',[row(n,lambda:getattr(o,n)) for n in d if n[:2]!='__'])
try:
 {report}
finally:
 del _belay_pv
"""


@frozen
class Entry:
    """One attribute or item of a board object as the view shows it."""

    name: str
    type_name: str  # the exception's name when reading the value failed
    text: str
    is_callable: bool
    failed: bool = False

    @property
    def editable(self) -> bool:
        """Whether the value is an int, float, str or bool whose whole repr came over and parses on the host."""
        if self.type_name not in _EDITABLE or self.is_callable or self.failed:
            return False
        if len(self.text) >= MAX_REPR:
            return False  # maybe cut at MAX_REPR: a huge int would still parse, as another number
        try:
            ast.literal_eval(self.text)
        except (ValueError, SyntaxError):
            return False  # nan, inf
        return True

    @property
    def value(self) -> Any:
        """The host value of an editable entry."""
        return ast.literal_eval(self.text)


@frozen
class Snapshot:
    """What one refresh brought from the board."""

    type_name: str
    kind: str  # "d" dict items, "s" sequence items, "a" attributes
    entries: tuple

    @classmethod
    def from_board(cls, proxy: ProxyObject) -> "Snapshot":
        """Read the object behind `proxy` in one exchange."""
        lost = proxy_object_lost(proxy)
        if lost:
            raise ConnectionLost(lost)  # and no reconnect of a closed device by a refresh
        device = object.__getattribute__(proxy, "_belay_device")
        report = result_of_call(f"_belay_pv({get_proxy_object_target_name(proxy)})")
        code = _SNAPSHOT.format(report=report, n=MAX_ITEMS, r=MAX_REPR)
        type_name, kind, rows = device(code, record=False, minify=False)
        entries = tuple(Entry(name, type_, text, bool(call), bool(failed)) for name, type_, text, call, failed in rows)
        return cls(type_name, kind, entries)

    @property
    def shape(self) -> tuple:
        """What decides the view's rows: same shape, same widgets, new values.

        `editable` is part of it: a float that becomes nan or a str that grows past MAX_REPR needs a label,
        not its old editor.
        """
        return tuple(
            (entry.name, entry.type_name, entry.is_callable, entry.editable, entry.failed) for entry in self.entries
        )


def parse_arguments(text: str) -> tuple:
    """Positional arguments typed into a Call box: Python literals separated by commas.

    Raises
    ------
    ValueError
        `text` is not a comma-separated list of literals.
    """
    if not text.strip():
        return ()
    try:
        return ast.literal_eval(f"({text},)")
    except (ValueError, SyntaxError) as error:
        raise ValueError(f"arguments must be Python literals separated by commas, e.g. 1, 'a': {text!r}") from error


def _editor(entry: Entry) -> ipywidgets.Widget:
    value = entry.value
    if entry.type_name == "bool":
        return ipywidgets.Checkbox(value=value, indent=False)
    if entry.type_name == "int":
        return ipywidgets.IntText(value=value, continuous_update=False)
    if entry.type_name == "float":
        return ipywidgets.FloatText(value=value, continuous_update=False)
    return ipywidgets.Text(value=value, continuous_update=False)


class ProxyView:
    """A view of the board object behind a ProxyObject.

    Attributes (or a dict's or list's items) are listed with their type and value; int, float, str and bool
    values are editable and a change is written back to the board; methods get an argument box and a Call
    button; an attribute that raises when read shows the exception. Refresh re-reads the object, on click or
    every `refresh_interval` seconds. Automatic refresh ends when the view's widget is closed, or at the first
    failed refresh (the device closed or reset, the object gone), which the status line shows.

    Parameters
    ----------
    proxy : ProxyObject
        The board object.
    refresh_interval : float, optional
        Seconds between automatic refreshes; None or 0: only on click.
    """

    def __init__(self, proxy: ProxyObject, refresh_interval: Optional[float] = None):
        self.proxy = proxy
        self.snapshot: Optional[Snapshot] = None
        self.editors: dict[str, ipywidgets.Widget] = {}
        self.value_labels: dict[str, ipywidgets.Label] = {}
        self.call_boxes: dict[str, tuple] = {}
        self._row_widgets: list[ipywidgets.Widget] = []
        self._writing_back = True
        self._closed = False
        self._refresh_lock = threading.RLock()
        self._timer_lock = threading.Lock()
        self._wake = threading.Event()
        self._timer: Optional[threading.Thread] = None
        self.title = ipywidgets.HTML()
        self.refresh_button = ipywidgets.Button(description="Refresh", icon="refresh", tooltip="Read the board again")
        self.refresh_button.add_class("belay-proxy-refresh")
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.interval = ipywidgets.Dropdown(options=_INTERVALS, value=0.0, description="every", layout={"width": "9em"})
        self.interval.style.description_width = "3em"
        self.interval.add_class("belay-proxy-interval")
        self.status = ipywidgets.Label()
        self.status.add_class("belay-proxy-status")
        self.rows = ipywidgets.VBox()
        self._header = ipywidgets.HBox([self.title, self.refresh_button, self.interval, self.status])
        self.widget = ipywidgets.VBox([self._header, self.rows])
        self.widget.add_class("belay-proxy")
        # Closed by anyone (view.close(), Widget.close_all(), the widget itself): the view ends with it.
        self.widget.observe(self._on_comm, names="comm")
        self.refresh()
        self.interval.observe(self._on_interval, names="value")
        if refresh_interval:
            self.interval.value = min(_INTERVALS, key=lambda option: abs(option[1] - refresh_interval))[1]

    @property
    def closed(self) -> bool:
        """Whether the view has been closed."""
        return self._closed

    # -- reading ------------------------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Read the board object again; rows keep their widgets while their shape stays the same.

        Returns
        -------
        bool
            Whether the board was read; if not, the status line says why.
        """
        with self._refresh_lock:  # the timer thread and a click may refresh at once
            if self._closed:
                return False
            try:
                snapshot = Snapshot.from_board(self.proxy)
            except Exception as error:
                self.status.value = f"refresh failed: {_error_text(error)}"
                return False
            self._writing_back = False
            try:
                if self.snapshot is None or snapshot.shape != self.snapshot.shape:
                    self._build_rows(snapshot)
                else:
                    self._update_rows(snapshot)
            finally:
                self._writing_back = True
            self.snapshot = snapshot
            what = {"d": "items", "s": "items", "a": "attributes"}[snapshot.kind]
            target = get_proxy_object_target_name(self.proxy)
            self.title.value = (
                f"<b>{_escape(target)}</b>: {_escape(snapshot.type_name)}, {len(snapshot.entries)} {what}"
            )
            return True

    def _build_rows(self, snapshot: Snapshot) -> None:
        old_rows = self._row_widgets
        self.editors, self.value_labels, self.call_boxes, self._row_widgets = {}, {}, {}, []
        rows = []
        for entry in snapshot.entries:
            name = ipywidgets.Label(entry.name, layout={"width": "12em"})
            type_label = ipywidgets.Label(entry.type_name, layout={"width": "8em"})
            if entry.is_callable:
                rows.append(ipywidgets.HBox([name, type_label, *self._call_widgets(entry)]))
                continue
            if entry.editable:
                editor = _editor(entry)
                editor.observe(
                    lambda change, entry=entry, editor=editor: self._on_edit(entry, editor, change["new"]),
                    names="value",
                )
                self.editors[entry.name] = editor
            else:
                editor = ipywidgets.Label(entry.text)
                self.value_labels[entry.name] = editor
            editor.add_class(f"belay-proxy-attr-{_css_name(entry.name)}")
            if entry.failed:
                editor.add_class("belay-proxy-error")
            rows.append(ipywidgets.HBox([name, type_label, editor]))
        self._row_widgets = rows
        self.rows.children = rows
        for row in old_rows:  # each row holds a dozen widgets with comms; unclosed, every rebuild leaked them
            _close_tree(row)

    def _update_rows(self, snapshot: Snapshot) -> None:
        for entry in snapshot.entries:
            if entry.name in self.editors:
                self.editors[entry.name].value = entry.value  # same shape: still editable
            elif entry.name in self.value_labels:
                self.value_labels[entry.name].value = entry.text

    # -- writing ------------------------------------------------------------------------------------------

    def _on_edit(self, entry: Entry, editor: ipywidgets.Widget, value: Any) -> None:
        if not self._writing_back or self.editors.get(entry.name) is not editor:
            return  # a refresh setting the value, or an editor of rows since rebuilt
        try:
            if self.snapshot.kind == "a":
                setattr(self.proxy, entry.name, value)
            else:
                self.proxy[ast.literal_eval(entry.name)] = value
        except Exception as error:
            self.status.value = f"{entry.name}: {_error_text(error)}"
            return
        self.status.value = f"{entry.name} = {value!r}"

    # -- calling ------------------------------------------------------------------------------------------

    def _call_widgets(self, entry: Entry) -> list:
        css = _css_name(entry.name)
        arguments = ipywidgets.Text(placeholder="arguments, e.g. 1, 'a'", continuous_update=False)
        arguments.add_class(f"belay-proxy-args-{css}")
        button = ipywidgets.Button(description="Call", layout={"width": "5em"})
        button.add_class(f"belay-proxy-call-{css}")
        result = ipywidgets.Label()
        result.add_class(f"belay-proxy-result-{css}")
        button.on_click(lambda _button: self.call(entry.name))
        self.call_boxes[entry.name] = (arguments, button, result)
        return [arguments, button, result]

    def call(self, name: str) -> Any:
        """Call method `name` with the arguments typed in its box; show and return the result."""
        arguments, _, result = self.call_boxes[name]
        try:
            value = getattr(self.proxy, name)(*parse_arguments(arguments.value))
        except Exception as error:
            result.value = f"{type(error).__name__}: {error}"
            return error
        result.value = f"→ {value!r}"
        return value

    # -- automatic refresh --------------------------------------------------------------------------------

    def _on_interval(self, change: dict) -> None:
        self._wake.set()
        with self._timer_lock:
            if change["new"] and self._timer is None and not self._closed:
                self._timer = threading.Thread(target=self._refresh_loop, name="belay-proxy-refresh", daemon=True)
                self._timer.start()

    def _refresh_loop(self) -> None:
        while True:
            self._wake.clear()  # before reading the interval: a change after the read wakes the wait
            with self._timer_lock:
                interval = self.interval.value
                if not interval or self._closed:
                    self._timer = None
                    return
            if self._wake.wait(interval):
                continue  # a new interval, off, or closed: look again
            if not self._closed and not self.refresh():
                # The device is closed or reset, or the object is gone: polling on would only fail again.
                self.status.value += "; automatic refresh stopped"
                self.interval.value = 0.0

    def _on_comm(self, change: dict) -> None:
        if change["new"] is None:
            self.close()

    def close(self) -> None:
        """Stop refreshing and close the widgets; the view leaves `displayed_views`."""
        with self._refresh_lock:  # not while a refresh builds rows, which would then stay open
            if self._closed:
                return
            self._closed = True
            self.interval.value = 0.0  # wakes the timer thread, which sees the view closed and ends
            with contextlib.suppress(ValueError):
                _DISPLAYED.remove(self)
            for widget in [self.widget, self._header, self.rows, *self._row_widgets]:
                _close_tree(widget)
            self._row_widgets = []


#: Views made for notebook output by `proxy_mimebundle`; a closed view leaves the list.
_DISPLAYED: list = []


def displayed_views(proxy: Optional[ProxyObject] = None) -> list:
    """The open views made for notebook output (of `proxy`, or all); ``view.close()`` stops one."""
    return [view for view in _DISPLAYED if proxy is None or view.proxy is proxy]


def close_displayed_views(proxy: Optional[ProxyObject] = None) -> None:
    """Close the views made for notebook output (of `proxy`, or all), ending their automatic refresh."""
    for view in displayed_views(proxy):
        view.close()


def _close_tree(widget: ipywidgets.Widget) -> None:
    # A widget's close leaves its children, layout and style open: each has a comm of its own.
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    for part in ("layout", "style"):
        inner = getattr(widget, part, None)
        if isinstance(inner, ipywidgets.Widget):
            inner.close()
    widget.close()


def _error_text(error: BaseException) -> str:
    if isinstance(error, PyboardException):
        lines = [line for line in error.board_traceback.splitlines() if line.strip()]
        return lines[-1] if lines else type(error).__name__  # the board's "OSError: [Errno 5] EIO"
    return f"{type(error).__name__}: {error}"


def _css_name(name: str) -> str:
    return "".join(character if character.isalnum() or character in "-_" else "_" for character in name)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def proxy_mimebundle(proxy: ProxyObject) -> dict:
    """The display of `proxy` in a widget front end: its view, with the text repr for other front ends.

    The view is kept in `displayed_views` so code can close it (and end its automatic refresh).
    """
    view = ProxyView(proxy)
    _DISPLAYED.append(view)
    bundle = view.widget._repr_mimebundle_()
    bundle["text/plain"] = repr(proxy)
    return bundle
