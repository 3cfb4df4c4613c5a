"""Chromium, Firefox and WebKit behind one small interface, for the cross-engine journeys.

* Chromium: Debian's `chromium` through Playwright (as every other browser test).
* Firefox: Debian's `firefox-esr`, headless, over WebDriver BiDi (Firefox's own remote
  protocol on a WebSocket: `--remote-debugging-port`; no geckodriver, which Debian does
  not package). Console messages and every request, the search worker's included, come
  as BiDi events; `browsingContext.print` prints the page.
* WebKit: Debian's `webkit2gtk-driver` (`WebKitWebDriver`) driving WebKitGTK's
  `MiniBrowser --automation` under `xvfb-run`, through Selenium (classic WebDriver).
  Classic WebDriver has no console log and no print command in WebKitWebDriver, so
  `console_errors` holds only what the page reports after load (an `error` listener) and
  `print_pdf` raises `Unsupported`; the tests skip or note those checks by name.

Every engine runs a script the same way: `call("(a, b) => ...", a, b)` awaits the
function's result and returns it through JSON (the function is written into the driver's
script, never `eval`ed, which the site's Content-Security-Policy forbids).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

FIREFOX = "/usr/bin/firefox-esr"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
XVFB_RUN = "/usr/bin/xvfb-run"

# WebDriver key codes (the same in classic WebDriver and BiDi).
KEYS = {"Tab": "\ue004", "Enter": "\ue007", "Shift": "\ue008", "Escape": "\ue00c", "ArrowDown": "\ue015"}

# After load: record errors the page reports, and wait until no resource has started for
# half a second (looked at every 100 ms, for 10 s at most): the page has settled (Material's
# scripts, the search worker, the fonts).
SETTLE = """async () => {
  if (!window.__podErrors) {
    window.__podErrors = [];
    addEventListener('error', e => window.__podErrors.push(String(e.message || e)));
    addEventListener('unhandledrejection', e => window.__podErrors.push(String(e.reason)));
  }
  const pause = ms => new Promise(done => setTimeout(done, ms));
  const count = () => performance.getEntriesByType('resource').length;
  for (let i = 0, seen = count(), quiet = 0; i < 100 && quiet < 5; i++) {
    await pause(100);
    quiet = count() === seen ? quiet + 1 : 0;
    seen = count();
  }
  await document.fonts.ready;
}"""


# Records, at each Tab keydown, what has focus and whether a reader can see it (here, not in
# a test module, because both the Chromium walks of test_keyboard_and_pointer.py and the
# journeys of test_engines.py use it).
RECORD_FOCUS = """
window.__focus = [];
document.addEventListener('keydown', event => {
  // code, not only key: the Shift+Tab WebKitWebDriver sends has key 'Unidentified' (code 'Tab').
  if (event.key !== 'Tab' && event.code !== 'Tab') return;
  let el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return;
  const id = el.__podId || (el.__podId = String(window.__focus.length + 1) + ':' + Math.random());
  // Past the last stop focus leaves the page for the browser and activeElement stays put.
  const last = window.__focus[window.__focus.length - 1];
  if (last && last.id === id) return;
  // Material hides its palette radio buttons and draws their focus on the label after them.
  let box = el.getBoundingClientRect();
  if ((box.width < 1 || box.height < 1) && el.matches('input.md-option') && el.nextElementSibling) {
    box = el.nextElementSibling.getBoundingClientRect();
  }
  const header = document.querySelector('.md-header');
  const headerBottom = header ? header.getBoundingClientRect().bottom : 0;
  let fault = '';
  if (box.width < 1 || box.height < 1) fault = 'zero-sized';
  else if (box.right <= 0 || box.left >= innerWidth || box.bottom <= 0 || box.top >= innerHeight) fault = 'off-screen';
  else if (!header.contains(el) && !el.matches('.md-skip') && box.top < headerBottom - 1) fault = 'under the header';
  const name = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('title') || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  const what = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.getAttribute('href') ? '[href=' + el.getAttribute('href') + ']' : '') + ' "' + name + '"';
  if (!window.__focus.length) window.__focusStart = el;
  window.__focus.push({id, fault, what});
}, true);
"""


class Unsupported(Exception):
    """What an engine's driver cannot do here; the message names the engine and the feature."""


def key_actions(*keys: str) -> list[dict]:
    """WebDriver key actions for names such as "Tab", "Shift+Tab", "Escape" or plain text."""
    actions: list[dict] = []
    for key in keys:
        if key in KEYS or "+" in key and all(part in KEYS for part in key.split("+")):
            parts = [KEYS[part] for part in key.split("+")]
            actions += [{"type": "keyDown", "value": v} for v in parts]
            actions += [{"type": "keyUp", "value": v} for v in reversed(parts)]
        else:
            for char in key:
                actions += [{"type": "keyDown", "value": char}, {"type": "keyUp", "value": char}]
    return [{"type": "key", "id": "keyboard", "actions": actions}]


def pointer_actions(x: float, y: float, click: bool) -> list[dict]:
    moves: list[dict] = [{"type": "pointerMove", "x": int(x), "y": int(y), "duration": 0}]
    if click:
        moves += [{"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]
    return [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": moves}]


class Engine:
    """What the journeys need from a browser; one page, reused from step to step."""

    name = ""
    version = ""

    def goto(self, url: str) -> None:
        raise NotImplementedError

    def call(self, function: str, *args: Any) -> Any:
        raise NotImplementedError

    def perform(self, actions: list[dict]) -> None:
        raise NotImplementedError

    def viewport(self, width: int, height: int) -> None:
        raise NotImplementedError

    def console_errors(self) -> list[str]:
        raise NotImplementedError

    def requests(self) -> list[str]:
        """Every URL the page asked for since the last `goto` (as far as the engine shows)."""
        raise NotImplementedError

    def print_pdf(self) -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # Built on the above, the same in every engine.
    def settle(self) -> None:
        self.call(SETTLE)

    def press(self, *keys: str) -> None:
        self.perform(key_actions(*keys))

    def centre(self, selector: str) -> tuple[float, float]:
        box = self.call("""s => { const el = document.querySelector(s); if (!el) return null;
          el.scrollIntoView({block: 'center'}); const b = el.getBoundingClientRect();
          return [b.left + b.width / 2, b.top + b.height / 2]; }""", selector)
        if box is None:
            raise AssertionError(f"{self.name}: nothing matches {selector}")
        return box[0], box[1]

    def hover(self, selector: str) -> None:
        self.perform(pointer_actions(*self.centre(selector), click=False))

    def click(self, selector: str) -> None:
        self.perform(pointer_actions(*self.centre(selector), click=True))

    def wait_for(self, condition: str, *args: Any, timeout: float = 5) -> Any:
        """Poll a script until it returns something truthy; fail naming the engine."""
        end = time.monotonic() + timeout
        while True:
            try:
                value = self.call(condition, *args)
            except Exception:  # noqa: BLE001 - the page is navigating; look again
                value = None
            if value or time.monotonic() > end:
                if not value:
                    raise AssertionError(f"{self.name}: still false after {timeout} s: {condition}")
                return value
            time.sleep(0.1)


class Chromium(Engine):
    """Debian's chromium through Playwright (the browser every other test uses)."""

    name = "chromium"

    def __init__(self, browser: Any) -> None:
        self._context = browser.new_context(viewport={"width": 1280, "height": 720})
        self.page = self._context.new_page()
        self.version = browser.version
        self._errors: list[str] = []
        self._requests: list[str] = []
        self.page.on("console", lambda m: self._errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self._errors.append(str(e)))
        self.page.on("request", lambda r: self._requests.append(r.url))

    def goto(self, url: str) -> None:
        self._requests.clear()
        self.page.goto(url, wait_until="load")
        self.settle()

    def call(self, function: str, *args: Any) -> Any:
        return json.loads(self.page.evaluate(f"async a => JSON.stringify(await ({function})(...a) ?? null)", list(args)))

    def perform(self, actions: list[dict]) -> None:
        for action in actions[0]["actions"]:
            kind = action["type"]
            if kind == "pointerMove":
                self.page.mouse.move(action["x"], action["y"])
            elif kind == "pointerDown":
                self.page.mouse.down()
            elif kind == "pointerUp":
                self.page.mouse.up()
            else:
                names = {v: k for k, v in KEYS.items()}
                key = names.get(action["value"], action["value"])
                (self.page.keyboard.down if kind == "keyDown" else self.page.keyboard.up)(key)

    def viewport(self, width: int, height: int) -> None:
        self.page.set_viewport_size({"width": width, "height": height})

    def console_errors(self) -> list[str]:
        return list(self._errors)

    def requests(self) -> list[str]:
        return list(self._requests)

    def print_pdf(self) -> bytes:
        return self.page.pdf()

    def close(self) -> None:
        self._context.close()


class Firefox(Engine):
    """Debian's firefox-esr, headless, over WebDriver BiDi."""

    name = "firefox"

    def __init__(self) -> None:
        import websocket  # websocket-client, pinned in requirements.txt (Selenium's own dependency)

        if not Path(FIREFOX).exists():
            raise RuntimeError(f"{FIREFOX} is missing: install Debian's firefox-esr (tools/system-packages.sh engines)")
        self._profile = tempfile.mkdtemp(prefix="pod-firefox-")
        # No updates, telemetry or first-run pages: nothing but the site is fetched.
        Path(self._profile, "user.js").write_text("\n".join(
            f'user_pref("{name}", {value});' for name, value in {
                "app.update.disabledForTesting": "true", "browser.shell.checkDefaultBrowser": "false",
                "datareporting.policy.dataSubmissionEnabled": "false", "toolkit.telemetry.reportingpolicy.firstRun": "false",
                "browser.startup.homepage_override.mstone": '"ignore"', "network.captive-portal-service.enabled": "false",
                "messaging-system.rsexperimentloader.enabled": "false", "app.normandy.enabled": "false",
                "services.settings.server": '"http://127.0.0.1:9/"',
                # A mouse, as on a desktop (fine pointer, can hover: 2 | 4). Headless, Firefox
                # reports no pointer at all, (hover: none), and Material then leaves code blocks
                # that scroll sideways out of the Tab order (tabindex=0 only where (hover) matches).
                "ui.primaryPointerCapabilities": "6", "ui.allPointerCapabilities": "6"}.items()) + "\n", encoding="utf-8")
        self._process = subprocess.Popen(
            [FIREFOX, "--headless", "--no-remote", "--remote-debugging-port=0", "-profile", self._profile, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
        address = None
        for line in self._process.stderr:
            found = re.search(r"WebDriver BiDi listening on (ws://\S+)", line)
            if found:
                address = found.group(1)
                break
        if address is None:
            raise RuntimeError("firefox-esr exited before its WebDriver BiDi server started")
        threading.Thread(target=lambda: [None for _ in self._process.stderr], daemon=True).start()
        self._socket = websocket.create_connection(address + "/session", suppress_origin=True, timeout=60)
        self._ids = itertools.count(1)
        self._errors: list[str] = []
        self._requests: list[str] = []
        self.version = self._send("session.new", {"capabilities": {}})["capabilities"]["browserVersion"]
        self._send("session.subscribe", {"events": ["log.entryAdded", "network.beforeRequestSent"]})
        # The tab Firefox opens at start-up never has focus when headless (document.hasFocus()
        # is false and no focus event fires, even with focusmanager.testmode); a tab the
        # session opens in the foreground has it, as a reader's window does.
        first = self._send("browsingContext.getTree", {})["contexts"][0]["context"]
        self._context = self._send("browsingContext.create", {"type": "tab", "background": False})["context"]
        self._send("browsingContext.close", {"context": first})
        self.viewport(1280, 720)

    def _send(self, method: str, params: dict) -> dict:
        number = next(self._ids)
        self._socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv())
            if message.get("id") == number:
                if message.get("type") == "error":
                    raise RuntimeError(f"firefox: {method}: {message.get('error')}: {message.get('message')}")
                return message["result"]
            params_ = message.get("params", {})
            if message.get("method") == "log.entryAdded" and params_.get("level") == "error":
                self._errors.append(params_.get("text", ""))
            elif message.get("method") == "network.beforeRequestSent":
                self._requests.append(params_["request"]["url"])

    def goto(self, url: str) -> None:
        self._requests.clear()
        self._send("browsingContext.navigate", {"context": self._context, "url": url, "wait": "complete"})
        self.settle()

    def call(self, function: str, *args: Any) -> Any:
        result = self._send("script.callFunction", {
            "functionDeclaration": f"async a => JSON.stringify(await ({function})(...JSON.parse(a)) ?? null)",
            "arguments": [{"type": "string", "value": json.dumps(list(args))}],
            "target": {"context": self._context}, "awaitPromise": True})
        if result["type"] == "exception":
            raise AssertionError(f"firefox: script failed: {result['exceptionDetails'].get('text')}")
        return json.loads(result["result"]["value"])

    def perform(self, actions: list[dict]) -> None:
        self._send("input.performActions", {"context": self._context, "actions": actions})

    def viewport(self, width: int, height: int) -> None:
        self._send("browsingContext.setViewport", {"context": self._context, "viewport": {"width": width, "height": height}})

    def console_errors(self) -> list[str]:
        self._send("session.status", {})  # collect the events that came in meanwhile
        return list(self._errors)

    def requests(self) -> list[str]:
        self._send("session.status", {})
        return list(self._requests)

    def print_pdf(self) -> bytes:
        return base64.b64decode(self._send("browsingContext.print", {"context": self._context, "background": True})["data"])

    def close(self) -> None:
        try:
            self._send("session.end", {})
            self._socket.close()
        except Exception:  # noqa: BLE001 - the browser may already be gone
            pass
        _stop(self._process)
        shutil.rmtree(self._profile, ignore_errors=True)


class WebKit(Engine):
    """WebKitGTK's MiniBrowser through WebKitWebDriver and Selenium, on a virtual display."""

    name = "webkit"

    def __init__(self) -> None:
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options

        for needed, package in ((WEBKIT_DRIVER, "webkit2gtk-driver"), (MINIBROWSER, "webkit2gtk-driver"), (XVFB_RUN, "xvfb")):
            if not Path(needed).exists():
                raise RuntimeError(f"{needed} is missing: install Debian's {package} (tools/system-packages.sh engines)")
        port = _free_port()
        self._process = subprocess.Popen(
            [XVFB_RUN, "-a", "-s", "-screen 0 1600x1200x24", WEBKIT_DRIVER, f"--port={port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(200):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        options = Options()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        # Tab reaches links, as with Safari's "Press Tab to highlight each item" (Safari's
        # default is off: Option+Tab reaches links); WebKitGTK's default, said here outright.
        options.add_argument("--enable-tabs-to-links=true")
        self.driver = webdriver.Remote(command_executor=f"http://127.0.0.1:{port}", options=options)
        self.driver.set_script_timeout(30)
        self.version = self.driver.capabilities.get("browserVersion", "")
        self.viewport(1280, 720)

    def goto(self, url: str) -> None:
        self.driver.get(url)
        self.settle()

    def call(self, function: str, *args: Any) -> Any:
        text = self.driver.execute_async_script(
            "const done = arguments[1];"
            f"Promise.resolve().then(() => ({function})(...JSON.parse(arguments[0])))"
            ".then(r => done(JSON.stringify({ok: r ?? null})), e => done(JSON.stringify({error: String(e && e.stack || e)})));",
            json.dumps(list(args)))
        answer = json.loads(text)
        if "error" in answer:
            raise AssertionError(f"webkit: script failed: {answer['error']}")
        return answer["ok"]

    def perform(self, actions: list[dict]) -> None:
        from selenium.webdriver.remote.command import Command

        self.driver.execute(Command.W3C_ACTIONS, {"actions": actions})
        self.driver.execute(Command.W3C_CLEAR_ACTIONS)

    def viewport(self, width: int, height: int) -> None:
        """Size the window so that the page itself (innerWidth x innerHeight) has this size; as
        near as MiniBrowser allows: its window is never narrower than its toolbar (447 px)."""
        self.driver.set_window_size(width, height)
        inner = self.driver.execute_script("return [innerWidth, innerHeight]")
        if inner != [width, height]:
            self.driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])

    def console_errors(self) -> list[str]:
        return self.call("() => window.__podErrors || []")

    def requests(self) -> list[str]:
        return self.call("() => [location.href, ...performance.getEntriesByType('resource').map(e => e.name)]")

    def print_pdf(self) -> bytes:
        raise Unsupported("WebKitWebDriver (WebKitGTK) has no WebDriver Print command: it answers 'Unknown command'")

    def close(self) -> None:
        try:
            self.driver.quit()
        except Exception:  # noqa: BLE001
            pass
        _stop(self._process)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """End a browser we started and everything it started (its own process group)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
