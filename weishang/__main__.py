"""weishang: the shop from the command line.

    weishang demo  [--host 127.0.0.1] [--port 8000]   migrate, load a demo shop if empty, serve
    weishang serve [--host 127.0.0.1] [--port 8000] [--threads 8]   migrate and serve (real use)
    weishang <django command> ...                    e.g. migrate, createowner, resetpassword, check
    weishang runjobs [job ...]                       run the periodic jobs once (cron)
    weishang backup FILE                             database, media and secret key in one archive
    weishang restore [--replace] FILE                put a backup back (into an empty instance)
    weishang help <command>                          what a command does and takes
"""

import argparse
import os
import sys

from django.core.management import ManagementUtility


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weishang.settings")
    import django

    django.setup()


def _serve_parser(prog: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--host", default=os.environ.get("WEISHANG_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEISHANG_PORT", "8000")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEISHANG_THREADS", "8")))
    return parser


def _migrate():
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _start_jobs():
    """The periodic jobs (orders expire and complete, earnings settle, …) without Celery."""
    from weishang.core import jobs

    jobs.start_scheduler()


def _say(line: str) -> None:
    print(line, flush=True)


def _run_server(host: str, port: int, threads: int):
    from waitress import serve

    from weishang.wsgi import application

    _say(f"Weishang is running at http://{host}:{port}/  (Ctrl+C to stop)")
    serve(application, host=host, port=port, threads=threads, ident="weishang")


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
    _start_jobs()
    _run_server(args.host, args.port, args.threads)


def _unknown_password(login) -> str:
    return f"(not saved; set a new one with: weishang resetpassword {login.username})"


def serve(argv: list[str]):
    args = _serve_parser("weishang serve", "Run Weishang for real use.").parse_args(argv)
    _setup_django()
    _migrate()
    from weishang.accounts.models import Role, User

    if not User.objects.filter(role=Role.OWNER).exists():
        _say("No owner account yet: create one with `weishang createowner`.")
    _start_jobs()
    _run_server(args.host, args.port, args.threads)


OWN_COMMANDS = {"demo": demo, "serve": serve}


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
    _setup_django()
    from weishang.core.text import arguments_problem

    if problem := arguments_problem(argv):
        sys.exit(problem)  # arguments are input like any form's: nothing runs with a bad one
    _CommandLine(["weishang", *argv]).execute()


if __name__ == "__main__":
    main()
