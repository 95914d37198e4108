"""Processes of the stack test: each started with its output in a log file of its own, stopped
with the signal its service manager would send, and the tails of every log on failure."""

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

#: Only a stuck step waits this long; the machine may be busy, and no step measures speed.
STUCK_SECONDS = 180


class StackFailure(AssertionError):
    pass


class Processes:
    """The long-running processes (web, worker, beat, nginx) and one-off commands of a run."""

    def __init__(self, logs: Path, environment: dict[str, str], cwd: Path):
        self.logs, self.environment, self.cwd = logs, environment, cwd
        self.running: dict[str, subprocess.Popen] = {}
        self.runs = 0
        self.started = time.monotonic()

    def step(self, what: str) -> None:
        """A line in steps.log: what the run does next, and when."""
        with (self.logs / "steps.log").open("a") as steps:
            steps.write(f"{time.monotonic() - self.started:6.1f} s  {what}\n")

    def log(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def run(self, name: str, argv: list[str], *, expect: int = 0,
            timeout: float = STUCK_SECONDS, environment: dict[str, str] | None = None) -> str:
        """Run a command to its end (``environment`` added to the run's); its output (in its
        log) is returned."""
        self.runs += 1
        log = self.log(f"{self.runs:02d}-{name}")
        started = time.monotonic()
        with log.open("w") as output:
            output.write(f"$ {' '.join(argv)}\n")
            output.flush()
            code = subprocess.run(argv, env={**self.environment, **(environment or {})},
                                  cwd=self.cwd, stdout=output, stderr=subprocess.STDOUT,
                                  timeout=timeout).returncode
        with log.open("a") as output:
            output.write(f"[exit {code} after {time.monotonic() - started:.1f} s]\n")
        text = log.read_text()
        if code != expect:
            raise StackFailure(f"{name} exited with {code}, not {expect}:\n{tail(text)}")
        return text

    def start(self, name: str, argv: list[str]) -> None:
        with self.log(name).open("a") as output:
            output.write(f"$ {' '.join(argv)}\n")
            output.flush()
            self.running[name] = subprocess.Popen(
                argv, env=self.environment, cwd=self.cwd, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True)

    def check_alive(self) -> None:
        for name, process in self.running.items():
            if process.poll() is not None:
                raise StackFailure(f"{name} stopped with {process.returncode}:\n"
                                   f"{tail(self.log(name).read_text())}")

    def stop(self, name: str, sig: int = signal.SIGTERM) -> int:
        """Stop one process as systemd does (KillMode=mixed: the signal to the main process);
        returns its exit code."""
        process = self.running.pop(name)
        process.send_signal(sig)
        try:
            return process.wait(timeout=STUCK_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise StackFailure(f"{name} did not stop on {signal.Signals(sig).name}:\n"
                               f"{tail(self.log(name).read_text())}") from None

    def kill_all(self) -> None:
        """What is left after a failure: the whole process group of each, at once."""
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.running.clear()

    def tails(self) -> str:
        return "\n".join(f"===== {log.name}\n{tail(log.read_text())}"
                         for log in sorted(self.logs.glob("*.log")))


def tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def wait_until(check: Callable[[], object], what: str, processes: Processes,
               timeout: float = STUCK_SECONDS, every: float = 0.5):
    """Poll ``check`` until it returns something true; fail early if a process died."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        processes.check_alive()
        try:
            if result := check():
                return result
        except OSError as error:  # not listening yet
            last_error = error
        time.sleep(every)
    raise StackFailure(f"waited {timeout:.0f} s for {what} (last error: {last_error})")
