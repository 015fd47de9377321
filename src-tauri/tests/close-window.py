#!/usr/bin/env python3
"""Asks the X window whose title contains TEXT to close, as a window manager does when the user
clicks its close button: a WM_DELETE_WINDOW client message (ICCCM). The tests run under Xvfb
with no window manager, and WebDriver reaches only the app's main webview, so this is how a
test closes the app's second window the way a user would. Plain Xlib through ctypes (libX11
comes with GTK). Exits 0 when a window was asked, 1 when none matched.

Usage: close-window.py TEXT [PID]
With PID, only windows whose _NET_WM_PID is PID (tests running side by side each close their
own app's window).
"""
import ctypes
import ctypes.util
import sys

xlib = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
Window = ctypes.c_ulong
Atom = ctypes.c_ulong


class ClientMessage(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", Window),
        ("message_type", Atom),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class XEvent(ctypes.Union):
    _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]


xlib.XOpenDisplay.restype = ctypes.c_void_p
xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
xlib.XDefaultRootWindow.restype = Window
xlib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
xlib.XInternAtom.restype = Atom
xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
xlib.XQueryTree.argtypes = [ctypes.c_void_p, Window, ctypes.POINTER(Window), ctypes.POINTER(Window),
                            ctypes.POINTER(ctypes.POINTER(Window)), ctypes.POINTER(ctypes.c_uint)]
xlib.XFetchName.argtypes = [ctypes.c_void_p, Window, ctypes.POINTER(ctypes.c_char_p)]
xlib.XSendEvent.argtypes = [ctypes.c_void_p, Window, ctypes.c_int, ctypes.c_long, ctypes.POINTER(XEvent)]
xlib.XFlush.argtypes = [ctypes.c_void_p]
xlib.XGetWindowProperty.argtypes = [ctypes.c_void_p, Window, Atom, ctypes.c_long, ctypes.c_long,
                                    ctypes.c_int, Atom, ctypes.POINTER(Atom),
                                    ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_ulong),
                                    ctypes.POINTER(ctypes.c_ulong),
                                    ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte))]
xlib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]

# Windows come and go while the tree is walked (WebKit makes and drops its own): Xlib's
# default handler would exit on the BadWindow that follows, so errors are ignored instead.
ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
ignore_errors = ERROR_HANDLER(lambda display, event: 0)
xlib.XSetErrorHandler(ignore_errors)


def windows(display, parent):
    root, up, children, count = Window(), Window(), ctypes.POINTER(Window)(), ctypes.c_uint()
    if not xlib.XQueryTree(display, parent, ctypes.byref(root), ctypes.byref(up),
                           ctypes.byref(children), ctypes.byref(count)):
        return
    for i in range(count.value):
        yield children[i]
        yield from windows(display, children[i])


def window_pid(display, window, atom):
    kind, fmt, count, after = Atom(), ctypes.c_int(), ctypes.c_ulong(), ctypes.c_ulong()
    data = ctypes.POINTER(ctypes.c_ubyte)()
    ok = xlib.XGetWindowProperty(display, window, atom, 0, 1, 0, 6,  # XA_CARDINAL
                                 ctypes.byref(kind), ctypes.byref(fmt), ctypes.byref(count),
                                 ctypes.byref(after), ctypes.byref(data))
    if ok != 0 or count.value < 1 or fmt.value != 32:
        return None
    return ctypes.cast(data, ctypes.POINTER(ctypes.c_long))[0]


def main():
    text = sys.argv[1].encode()
    pid = int(sys.argv[2]) if len(sys.argv) > 2 else None
    display = xlib.XOpenDisplay(None)
    if not display:
        sys.exit("close-window: no X display")
    protocols = xlib.XInternAtom(display, b"WM_PROTOCOLS", 0)
    delete = xlib.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
    pid_atom = xlib.XInternAtom(display, b"_NET_WM_PID", 0)
    asked = 0
    for window in windows(display, xlib.XDefaultRootWindow(display)):
        name = ctypes.c_char_p()
        if xlib.XFetchName(display, window, ctypes.byref(name)) and name.value and text in name.value:
            if pid is not None and window_pid(display, window, pid_atom) != pid:
                continue
            event = XEvent()
            event.xclient.type = 33  # ClientMessage
            event.xclient.window = window
            event.xclient.message_type = protocols
            event.xclient.format = 32
            event.xclient.data[0] = delete
            xlib.XSendEvent(display, window, 0, 0, ctypes.byref(event))
            asked += 1
    xlib.XSync(display, 0)
    sys.exit(0 if asked else 1)


if __name__ == "__main__":
    main()
