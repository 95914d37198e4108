"""weishang: the shop from the command line.

    weishang demo  [--host 127.0.0.1] [--port 8000]   migrate, load a demo shop if empty, serve
    weishang migrate                                 set up the database, or upgrade it
    weishang serve [--host H] [--port P] [--workers N] [--threads N] [--timeout S] [--migrate]
                                                     serve for real use (gunicorn; waitress on
                                                     Windows); refuses an unmigrated database
    weishang worker [celery args]                    the Celery worker (needs REDIS_URL)
    weishang beat [celery args]                      Celery beat: the jobs' schedule
    weishang <django command> ...                    e.g. createowner, resetpassword, check
    weishang runjobs [job ...]                       run the periodic jobs once (cron)
    weishang backup FILE                             database, media and secret key in one archive
    weishang restore [--replace] FILE                put a backup back (into an empty instance)
    weishang help <command>                          what a command does and takes

Every command that needs the database refuses to run before `weishang migrate`.
"""

import argparse
import os
import sys

from django.core.management import ManagementUtility


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weishang.settings")
    import django

    django.setup()


MAX_DEFAULT_WORKERS = 12
GUNICORN_THREADS, WAITRESS_THREADS = 4, 8
# A worker is replaced after this many requests (and up to a tenth more, so that they are not
# all replaced at once): whatever a long-running process gathers (memory) is given back.
MAX_REQUESTS = 2000


def _serve_parser(prog: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--host", default=os.environ.get("WEISHANG_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEISHANG_PORT", "8000")))
    parser.add_argument("--workers", type=int, default=_env_int("WEISHANG_WORKERS"),
                        help="processes (gunicorn; default: 2 per CPU core and one, at most "
                             f"{MAX_DEFAULT_WORKERS})")
    parser.add_argument("--threads", type=int, default=_env_int("WEISHANG_THREADS"),
                        help=f"threads per process (default {GUNICORN_THREADS} with gunicorn, "
                             f"{WAITRESS_THREADS} with waitress)")
    parser.add_argument("--timeout", type=int, default=_env_int("WEISHANG_TIMEOUT") or 30,
                        help="seconds a request may take before its worker is restarted, and "
                             "that a stop waits for requests under way (gunicorn)")
    return parser


def _env_int(name: str) -> int | None:
    return int(os.environ[name]) if os.environ.get(name) else None


def _migrate():
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _say(line: str) -> None:
    print(line, flush=True)


def _run_server(args):
    """gunicorn where it runs (Linux, macOS), waitress where it does not (Windows)."""
    from django.db import connections

    # Nothing opened here may be shared with the processes gunicorn forks.
    connections.close_all()
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        return _run_waitress(args)

    class Gunicorn(BaseApplication):
        def load_config(self):
            for name, value in _gunicorn_options(args).items():
                if name in self.cfg.settings:  # control_socket_disable: gunicorn 25.1 and later
                    self.cfg.set(name, value)

        def load(self):
            from weishang.wsgi import application

            return application

    Gunicorn().run()


def _gunicorn_options(args) -> dict:
    # The cores this process may use (a container's or taskset's share), not the machine's.
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = args.workers or min(2 * (cores or 1) + 1, MAX_DEFAULT_WORKERS)
    threads = args.threads or GUNICORN_THREADS
    host = f"[{args.host}]" if ":" in args.host else args.host
    return {
        "bind": f"{host}:{args.port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": args.timeout,
        "graceful_timeout": args.timeout,
        "max_requests": MAX_REQUESTS,
        "max_requests_jitter": MAX_REQUESTS // 10,
        # The access log is Django's request line (core/logs.py: request id, user, duration;
        # text or JSON), so gunicorn writes none of its own; its errors go to standard error.
        "accesslog": None,
        "errorlog": "-",
        "proc_name": "weishang",
        # Several servers of one user would share one control socket in the user's home folder.
        "control_socket_disable": True,
        "when_ready": lambda _server: _say(
            f"Weishang is running at http://{host}:{args.port}/  ({workers} processes × "
            f"{threads} threads; Ctrl+C to stop)"),
        "post_worker_init": _start_jobs_in_worker,
    }


def _start_jobs_in_worker(_worker):
    """The periodic jobs without Celery, under gunicorn. Not in the master: it forks a worker
    whenever one is replaced (max_requests, a crash, SIGHUP), and a fork copies no thread but
    does copy whatever a running job holds (a database connection, a lock) into the child. So
    every worker starts a scheduler thread, and a lock file in the data folder lets exactly one
    of them run the jobs; when that worker goes, another takes over within a minute. Not only
    the first worker either: it is replaced in time like every other, and with it the jobs."""
    from django.conf import settings

    from weishang.core import jobs

    jobs.start_scheduler(lock_file=settings.DATA_DIR / "jobs.lock")


def _run_waitress(args):
    from waitress import serve as waitress_serve

    from weishang.core import jobs
    from weishang.wsgi import application

    jobs.start_scheduler()  # one process: its own thread
    _say(f"Weishang is running at http://{args.host}:{args.port}/  (Ctrl+C to stop)")
    waitress_serve(application, host=args.host, port=args.port,
                   threads=args.threads or WAITRESS_THREADS, ident="weishang")


def demo(argv: list[str]):
    args = _serve_parser("weishang demo", "Run Weishang with a demo shop.").parse_args(argv)
    _say("Preparing the database…")
    _setup_django()
    _migrate()
    from weishang import demo as demo_data

    login = demo_data.ensure_demo_shop(progress=_say)
    agent = demo_data.agent_login()
    lines = [
        "",
        "微商 Weishang demo",
        f"  shop:     http://{args.host}:{args.port}/",
        f"  console:  http://{args.host}:{args.port}/console/",
        f"  login:    {login.username}  (or mobile {login.phone})",
        f"  password: {login.password or _unknown_password(login)}",
    ]
    if agent is not None:
        lines += [
            f"  agent:    {agent.phone}  (an agent's login to the same console)",
            f"  password: {agent.password or _unknown_password(agent)}",
        ]
    _say("\n".join([*lines, ""]))
    _run_server(args)


def _unknown_password(login) -> str:
    return f"(not saved; set a new one with: weishang resetpassword {login.username})"


def serve(argv: list[str]):
    parser = _serve_parser("weishang serve", "Run Weishang for real use.")
    parser.add_argument("--migrate", action="store_true",
                        default=os.environ.get("WEISHANG_AUTO_MIGRATE") == "1",
                        help="apply the database migrations first (default: refuse to start "
                             "while any is unapplied; env WEISHANG_AUTO_MIGRATE=1)")
    args = parser.parse_args(argv)
    _setup_django()
    from weishang.core import database

    if args.migrate:
        _migrate()
    elif database.needs_migrating():
        sys.exit(database.not_set_up_message())
    from weishang.accounts.models import Role, User

    if not User.objects.filter(role=Role.OWNER).exists():
        _say("No owner account yet: create one with `weishang createowner`.")
    _run_server(args)


def _celery(command: str, argv: list[str]):
    """Celery's own command line (``celery -A weishang <command> …``)."""
    _setup_django()
    from weishang.core import jobs

    if (problem := jobs.celery_problem()) and not {"-h", "--help"} & set(argv):
        sys.exit(problem)
    from weishang.celery import app

    sys.exit(app.start([command, *argv]))


def worker(argv: list[str]):
    _celery("worker", argv)


def beat(argv: list[str]):
    _celery("beat", argv)


OWN_COMMANDS = {"demo": demo, "serve": serve, "worker": worker, "beat": beat}


# Commands that run on a database not (fully) migrated: they migrate it, explain it, work on
# files, or are where one looks into a database as it is. Every other command needs the tables.
WITHOUT_THE_DATABASE = {
    "help", "version", "migrate", "makemigrations", "showmigrations", "sqlmigrate",
    "squashmigrations", "optimizemigration", "check", "collectstatic", "findstatic",
    "compilemessages", "makemessages", "shell", "dbshell", "diffsettings", "inspectdb", "test",
    "sendtestemail", "startapp", "startproject", "backup", "restore",
}


def _needs_the_database(argv: list[str]) -> bool:
    asks_help = argv[0].startswith("-") or {"-h", "--help"} & set(argv)
    return argv[0] not in WITHOUT_THE_DATABASE and not asks_help


class _CommandLine(ManagementUtility):
    """Django's command line, whose lists of commands also name weishang's own."""

    def main_help_text(self, commands_only=False):
        if commands_only:
            return "\n".join(sorted([*super().main_help_text(commands_only=True).split(),
                                      *OWN_COMMANDS]))
        own = "\n".join(f"    {name}" for name in OWN_COMMANDS)
        return f"{__doc__.strip()}\n\n{super().main_help_text()}\n\n[weishang]\n{own}"


def main(argv: list[str] | None = None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in OWN_COMMANDS:
        return OWN_COMMANDS[argv[0]](argv[1:])
    if argv[:1] == ["help"] and argv[1:2] and argv[1] in OWN_COMMANDS:
        return OWN_COMMANDS[argv[1]](["--help"])
    if argv[:1] == ["collectstatic"] and os.environ.get("STATIC_MANIFEST", "auto") == "auto":
        # "auto" serves the manifest once there is one: collectstatic is what writes it.
        os.environ["STATIC_MANIFEST"] = "1"
    _setup_django()
    from weishang.core.text import arguments_problem

    if problem := arguments_problem(argv):
        sys.exit(problem)  # arguments are input like any form's: nothing runs with a bad one
    if argv and _needs_the_database(argv):
        from weishang.core import database

        if database.needs_migrating():
            sys.exit(database.not_set_up_message())
    _CommandLine(["weishang", *argv]).execute()


if __name__ == "__main__":
    main()
