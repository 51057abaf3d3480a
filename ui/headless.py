"""Before Qt starts: is there a display to open a window on?

Without one Qt aborts the process (status 134) with advice about
``libxcb-cursor0`` that is wrong on a server. This module looks first, with
no Qt loaded, and says in one line what to do instead; a screenshot needs no
display and uses Qt's offscreen platform.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import os
import sys
from pathlib import Path

OFFSCREEN = "offscreen"
ADVICE = f"set QT_QPA_PLATFORM={OFFSCREEN} to run without a window (e.g. gui --screenshot)"
XCB_QPA = ("Qt", "lib", "libQt6XcbQpa.so.6")  # Qt's X11 platform, in the PySide6 wheel


def prepare(screenshot: bool) -> str | None:
    """Choose the offscreen platform for a screenshot (unless one was chosen);
    else why no window can open here, or None when one can."""
    chosen = os.environ.get("QT_QPA_PLATFORM", "")
    if screenshot and not chosen:
        os.environ["QT_QPA_PLATFORM"] = OFFSCREEN
        return None
    platform = chosen.split(":")[0]
    if sys.platform in ("win32", "darwin") or platform not in ("", "xcb", "wayland"):
        return None  # a platform that always has a screen, or one chosen that needs none
    if platform != "xcb" and os.environ.get("WAYLAND_DISPLAY"):
        return None
    display = os.environ.get("DISPLAY")
    if platform == "wayland" or not display:
        unset = "WAYLAND_DISPLAY is" if platform == "wayland" else "DISPLAY and WAYLAND_DISPLAY are"
        return f"no display to open the window on ({unset} unset); {ADVICE}"
    return x11_problem(display)


def x11_problem(display: str) -> str | None:
    """What stops Qt's X11 platform on ``display``: a system library it needs
    is missing (loading it names the first), or no X server answers there."""
    spec = importlib.util.find_spec("PySide6")
    folders = spec.submodule_search_locations if spec else None
    platform = Path(folders[0]).joinpath(*XCB_QPA) if folders else None
    if platform is not None and platform.exists():
        try:
            ctypes.CDLL(str(platform))
        except OSError as exc:
            missing = str(exc).split(":")[0]
            return (f"Qt's X11 platform needs system libraries: {missing} is missing (the README "
                    f"lists the packages: libxcb-cursor0 and others); {ADVICE}")
    xcb = ctypes.util.find_library("xcb")
    if xcb is None:
        return f"Qt's X11 platform needs the system library libxcb, which is missing; {ADVICE}"
    lib = ctypes.CDLL(xcb)
    lib.xcb_connect.restype = ctypes.c_void_p
    lib.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    lib.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    lib.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = lib.xcb_connect(display.encode(), None)
    try:
        failed = lib.xcb_connection_has_error(connection)
    finally:
        lib.xcb_disconnect(connection)
    return f"cannot connect to the display {display!r}; {ADVICE}" if failed else None
