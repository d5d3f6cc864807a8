"""``chainrule explore``'s server: the token, the caps, one-line answers to bad input, the time
limit, and Ctrl-C."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from chainrule.cli.server.endpoints import MAX_BODY
from chainrule.cli.server.worker import Timeout, Worker
from tests.cli_process import REPO, run_chainrule


def ask(server, path, body=None, token=None, raw=None, headers=()):
    """(status, JSON answer) of a POST (or a GET without a body) to the server."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}", data=data)
    request.add_header("X-Chainrule-Token", server.token if token is None else token)
    for name, value in headers:
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        text, status = error.read().decode(), error.code
    return status, (json.loads(text) if text.startswith("{") else text)


def test_page_needs_the_token(live_server):
    status, text = ask(live_server, f"/?token={live_server.token}")
    assert status == 200 and "chainrule-state" in text
    assert ask(live_server, "/?token=wrong")[0] == 403
    assert ask(live_server, "/")[0] == 403


def test_answers_need_the_token(live_server):
    status, answer = ask(live_server, "/api/explain", {"formula": "x", "at": "x=1"}, token="no")
    assert status == 403 and "token" in answer["error"]


def test_another_host_name_is_refused(live_server):
    # A page elsewhere that makes its name resolve to 127.0.0.1 still sends its own Host.
    status, _ = ask(live_server, "/api/explain", {"formula": "x", "at": "x=1"},
                    headers=[("Host", "example.org")])
    assert status == 403


def test_explains_a_formula_with_both_sweeps(live_server):
    status, answer = ask(live_server, "/api/explain",
                         {"formula": "x**2 + 5*y + 10*z + x*y*z", "at": "x=2,y=4,z=8"})
    assert status == 200
    data = answer["explanation"]
    assert data["mode"] == "both" and len(data["forward"]) == 3
    reverse = [d["value"] for d in data["derivatives"] if d["mode"] == "reverse"]
    assert reverse == [2 * 2 + 4 * 8, 5 + 2 * 8, 10 + 2 * 4]
    assert answer["steps"].startswith("f(x, y, z) = ")


def test_bad_formula_is_the_parsers_one_line_with_status_400(live_server):
    status, answer = ask(live_server, "/api/explain", {"formula": "sin(x", "at": "x=1"})
    assert status == 400
    assert answer == {"error": "cannot read 'sin(x': '(' was never closed (at column 4) "
                               "(write products with *, e.g. 2*x, and powers as x**2)"}


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"formula": "log(x)", "at": "x=-1"}, "undefined at x = -1: log(x) is the log of a "
                                              "negative number (-1)"),
        ({"formula": "x*y", "at": "x=1"}, "--at has no value for y (give one for every variable)"),
        ({"formula": "", "at": "x=1"}, "the formula is empty: type one, e.g. 1/(1+exp(-x))"),
        ({"formula": 3, "at": "x=1"}, "formula must be text, got int"),
        ({"formula": "x", "at": "x=1", "wrt": "y"},
         "--wrt 'y' is not a variable of the formula; its variables are x"),
    ],
)
def test_bad_input_is_one_line(live_server, fields, message):
    assert ask(live_server, "/api/explain", fields) == (400, {"error": message})


def test_body_that_is_not_a_json_object_is_400(live_server):
    assert ask(live_server, "/api/explain", raw=b"[1, 2")[0] == 400
    assert ask(live_server, "/api/explain", raw=b"[1, 2]")[0] == 400


def test_body_over_the_cap_is_refused_unread(live_server):
    status, answer = ask(live_server, "/api/explain", raw=b" " * (MAX_BODY + 1))
    assert status == 413 and str(MAX_BODY) in answer["error"]


def test_unknown_paths_are_404(live_server):
    assert ask(live_server, "/api/other", {})[0] == 404
    assert ask(live_server, f"/other?token={live_server.token}")[0] == 404


def test_check_names_the_mistake(live_server):
    status, answer = ask(live_server, "/api/check",
                         {"formula": "sin(x**2)", "claim": "cos(x**2)", "wrt": "x"})
    assert status == 200 and answer["correct"] is False
    assert "inner derivative forgotten" in answer["message"]
    right = ask(live_server, "/api/check", {"formula": "sin(x**2)", "claim": "2*x*cos(x**2)"})
    assert right[1]["correct"] is True


def test_a_computation_past_the_time_limit_is_stopped_and_the_next_one_runs():
    worker = Worker(time_limit=0.05)
    try:
        long = "+".join(f"sin({k}*x)*cos(x**{k})" for k in range(1, 60))
        with pytest.raises(Timeout, match="took longer than 0.05 s and was stopped"):
            worker.answer("explain", {"formula": long, "at": "x=0.5"})
        worker.time_limit = 30
        status, answer = worker.answer("explain", {"formula": "x*x", "at": "x=3"})
        assert status == "ok" and answer["explanation"]["derivatives"][0]["value"] == 6.0
    finally:
        worker.close()


def test_explore_refuses_a_bad_starting_formula_in_one_line():
    done = run_chainrule("explore", "sin(x", "--at", "x=1", "--no-browser")
    assert done.returncode == 2
    assert done.stderr.startswith("chainrule explore: cannot read 'sin(x'")
    assert done.stderr.count("\n") == 1
    done = run_chainrule("explore", "sin(x)", "--no-browser")
    assert done.stderr == (
        "chainrule explore: a formula needs its point: add --at, e.g. --at x=0.5\n"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C is a POSIX signal here")
def test_ctrl_c_stops_the_server_and_its_computation_process():
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONPATH=str(REPO))
    # A process started in the background by a shell ignores SIGINT, and its children inherit
    # that (CI's runner may be one): the server starts from SIGINT's default, as a terminal's
    # command does, so that Python turns Ctrl-C into KeyboardInterrupt.
    command = [sys.executable, "-m", "chainrule", "explore", "x*x", "--at", "x=2", "--no-browser"]
    as_from_a_terminal = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                          "os.execv(sys.executable, sys.argv[1:])")
    process = subprocess.Popen(
        [sys.executable, "-c", as_from_a_terminal, *command],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )
    try:
        first = process.stdout.readline()
        assert first.startswith("chainrule explore: serving http://127.0.0.1:")
        url = first.split()[-1]
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
        children = child_processes(process.pid)
        process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            # Say how the server held SIGINT (blocked, ignored or caught), for a run that hangs.
            raise AssertionError("the server did not stop on SIGINT: "
                                 + signal_state(process.pid)) from None
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert err == "chainrule explore: stopped\n"
    # The computation process, and multiprocessing's resource tracker, end with the server.
    deadline = time.monotonic() + 10
    while any(map(running, children)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert children and not any(map(running, children))


def signal_state(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            return " ".join(line.strip() for line in status
                            if line.startswith(("SigBlk", "SigIgn", "SigCgt", "State")))
    except OSError as error:
        return f"(its status cannot be read: {error})"


def running(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            return "State:\tZ" not in status.read()  # a zombie has ended, unreaped
    except FileNotFoundError:
        return False


def child_processes(pid):
    path = f"/proc/{pid}/task/{pid}/children"
    if not os.path.exists(path):
        pytest.skip("this system does not list a process's children in /proc")
    with open(path) as listing:
        return [int(child) for child in listing.read().split()]


def test_a_port_in_use_is_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_chainrule("explore", "--no-browser", "--port", str(port))
    assert done.returncode == 2
    assert done.stderr.startswith(f"chainrule explore: cannot serve on port {port}: ")
    assert done.stderr.count("\n") == 1


def test_a_failed_request_is_one_line_and_a_dropped_or_stopped_one_is_silent(capsys):
    from types import SimpleNamespace

    from chainrule.cli.server.endpoints import ExplorerServer

    def fail(error, stopping=False):
        try:
            raise error
        except Exception:  # noqa: BLE001 -- handle_error reads the exception being handled
            ExplorerServer.handle_error(SimpleNamespace(stopping=stopping), None, None)
        return capsys.readouterr().err

    assert fail(ValueError("bad")) == "chainrule explore: a request failed: ValueError: bad\n"
    assert fail(ConnectionResetError("reset by the browser")) == ""
    assert fail(ValueError("cut short"), stopping=True) == ""
