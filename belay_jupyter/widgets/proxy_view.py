"""ProxyView: an ipywidgets view of a board object — attributes or items with editors, methods with a Call button."""

import ast
import threading
from typing import Any, Optional

import ipywidgets
from attrs import frozen

from belay_engine.proxy import ProxyObject, get_proxy_object_target_name

#: Items shown for a board dict, list or tuple; a longer one shows its first ones.
MAX_ITEMS = 200
#: Characters of a value's repr brought over from the board.
MAX_REPR = 200
_EDITABLE = ("int", "float", "str", "bool")
_INTERVALS = (("off", 0.0), ("1 s", 1.0), ("2 s", 2.0), ("5 s", 5.0), ("10 s", 10.0))

# One exchange for the whole view: the object's type, its kind (dict, sequence, attributes) and one
# (name, type, repr, callable) row per item or attribute, dunders skipped. `{t}` is the proxy's target name
# (an engine-made board expression), `{n}` the item limit, `{r}` the repr limit.
_SNAPSHOT = (
    "(lambda o:(type(o).__name__,'d',[(repr(k),type(v).__name__,repr(v)[:{r}],0) for k,v in list(o.items())[:{n}]])"
    " if isinstance(o,dict) else (type(o).__name__,'s',[(repr(i),type(v).__name__,repr(v)[:{r}],0)"
    " for i,v in enumerate(o[:{n}])]) if isinstance(o,(list,tuple)) else (type(o).__name__,'a',"
    "[(n,type(v).__name__,repr(v)[:{r}],callable(v)) for n in dir(o) if n[:2]!='__' for v in (getattr(o,n),)]))({t})"
)


@frozen
class Entry:
    """One attribute or item of a board object as the view shows it."""

    name: str
    type_name: str
    text: str
    is_callable: bool

    @property
    def editable(self) -> bool:
        """Whether the value is an int, float, str or bool that parses on the host."""
        if self.type_name not in _EDITABLE or self.is_callable:
            return False
        try:
            ast.literal_eval(self.text)
        except (ValueError, SyntaxError):
            return False  # nan, inf, or a repr cut at MAX_REPR
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
        device = object.__getattribute__(proxy, "_belay_device")
        code = _SNAPSHOT.format(t=get_proxy_object_target_name(proxy), n=MAX_ITEMS, r=MAX_REPR)
        type_name, kind, rows = device(code, record=False, minify=False)
        return cls(type_name, kind, tuple(Entry(name, type_, text, bool(call)) for name, type_, text, call in rows))

    @property
    def shape(self) -> tuple:
        """What decides the view's rows: same shape, same widgets, new values."""
        return tuple((entry.name, entry.type_name, entry.is_callable) for entry in self.entries)


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
    button. Refresh re-reads the object, on click or every `refresh_interval` seconds.

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
        self._writing_back = True
        self._interval_changed = threading.Event()
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
        self.widget = ipywidgets.VBox(
            [ipywidgets.HBox([self.title, self.refresh_button, self.interval, self.status]), self.rows]
        )
        self.widget.add_class("belay-proxy")
        self.refresh()
        self.interval.observe(self._on_interval, names="value")
        if refresh_interval:
            self.interval.value = min(_INTERVALS, key=lambda option: abs(option[1] - refresh_interval))[1]

    # -- reading ------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the board object again; rows keep their widgets while names and types stay the same."""
        try:
            snapshot = Snapshot.from_board(self.proxy)
        except Exception as error:
            self.status.value = f"refresh failed: {type(error).__name__}: {error}"
            return
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
        self.title.value = f"<b>{_escape(target)}</b>: {_escape(snapshot.type_name)}, {len(snapshot.entries)} {what}"

    def _build_rows(self, snapshot: Snapshot) -> None:
        self.editors, self.value_labels, self.call_boxes = {}, {}, {}
        rows = []
        for entry in snapshot.entries:
            name = ipywidgets.Label(entry.name, layout={"width": "12em"})
            type_label = ipywidgets.Label(entry.type_name, layout={"width": "8em"})
            if entry.is_callable:
                rows.append(ipywidgets.HBox([name, type_label, *self._call_widgets(entry)]))
                continue
            if entry.editable:
                editor = _editor(entry)
                editor.add_class(f"belay-proxy-attr-{_css_name(entry.name)}")
                editor.observe(lambda change, entry=entry: self._on_edit(entry, change["new"]), names="value")
                self.editors[entry.name] = editor
            else:
                editor = ipywidgets.Label(entry.text)
                editor.add_class(f"belay-proxy-attr-{_css_name(entry.name)}")
                self.value_labels[entry.name] = editor
            rows.append(ipywidgets.HBox([name, type_label, editor]))
        self.rows.children = rows

    def _update_rows(self, snapshot: Snapshot) -> None:
        for entry in snapshot.entries:
            if entry.name in self.editors:
                if entry.editable:
                    self.editors[entry.name].value = entry.value
            elif entry.name in self.value_labels:
                self.value_labels[entry.name].value = entry.text

    # -- writing ------------------------------------------------------------------------------------------

    def _on_edit(self, entry: Entry, value: Any) -> None:
        if not self._writing_back:
            return
        try:
            if self.snapshot.kind == "a":
                setattr(self.proxy, entry.name, value)
            else:
                self.proxy[ast.literal_eval(entry.name)] = value
        except Exception as error:
            self.status.value = f"{entry.name}: {type(error).__name__}: {error}"
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
        self._interval_changed.set()
        if change["new"] and self._timer is None:
            self._timer = threading.Thread(target=self._refresh_loop, name="belay-proxy-refresh", daemon=True)
            self._timer.start()

    def _refresh_loop(self) -> None:
        while self.interval.value:
            self._interval_changed.clear()
            if self._interval_changed.wait(self.interval.value):
                continue  # a new interval (or off): wait again with it
            self.refresh()
        self._timer = None

    def close(self) -> None:
        """Stop refreshing and close the widgets."""
        self.interval.value = 0.0
        self.widget.close()


def _css_name(name: str) -> str:
    return "".join(character if character.isalnum() or character in "-_" else "_" for character in name)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def proxy_mimebundle(proxy: ProxyObject) -> dict:
    """The display of `proxy` in a widget front end: its view, with the text repr for other front ends."""
    view = ProxyView(proxy)
    bundle = view.widget._repr_mimebundle_()
    bundle["text/plain"] = repr(proxy)
    return bundle
