"""Schemathesis over every operation of the API (issue 13): as the owner, as an agent and
anonymously, on a realistic shop (tests/api/shop_world.py), with valid and invalid input.

No answer may be a 5xx, and each must be one the schema documents (status code, content type
and, for JSON, the body's shape). Path parameters and the fields of bodies and query strings
that name an object are, half of the time, the ids of the shop's real objects.

The run is bounded (``EXAMPLES`` per operation and role) and seeded, so CI draws the same
examples each time. To fuzz much longer by hand, e.g. ten times as long on PostgreSQL:

    FUZZ_EXAMPLES=200 DATABASE_URL=postgres://… pytest tests/api/test_fuzz.py -s

(``FUZZ_SEED`` draws other examples; ``-s`` prints how many requests each role sent.)

Every example runs in a savepoint that is rolled back, so the shop is the same for each: a
deleted product or a cancelled order is back for the next example, and the real ids stay real.
A failure names the operation, the request (as curl) and, for a 500, the exception's origin.
"""

import os
import traceback
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.core.signals import got_request_exception
from django.db import transaction
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode

from tests.api import shop_world
from tests.api.conftest import CONFORMS, token_headers

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

#: Examples per operation and role (valid and invalid input, half each). CI's number keeps the
#: module within about two minutes on SQLite on a core of its own.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
SEED = int(os.environ.get("FUZZ_SEED", "13"))
API_PREFIX = "/api/v1/"


@contextmanager
def _server_errors():
    """The traceback of each exception a view let through (Django answered 500 with it)."""
    errors = []

    def remember(sender, request=None, **kwargs):
        errors.append(traceback.format_exc())

    got_request_exception.connect(remember)
    try:
        yield errors
    finally:
        got_request_exception.disconnect(remember)


def _pool_key(path: str, parameter: str) -> tuple[str, str]:
    return path.removeprefix(API_PREFIX).split("/")[0], parameter


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_every_path_parameter_has_real_ids(api_schema, world):
    pools = shop_world.real_ids(world)
    missing = sorted({f"{operation.path} {{{parameter.name}}}"
                      for operation in _operations(api_schema)
                      for parameter in operation.path_parameters
                      if _pool_key(operation.path, parameter.name) not in pools})
    assert not missing, "Give these parameters real ids in shop_world.real_ids:\n" + "\n".join(
        missing)


def _strategy(operation):
    """Valid input and invalid input, half each."""
    return st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                     operation.as_strategy(GenerationMode.NEGATIVE))


def _draw_real_references(data, value, references) -> None:
    """Some of the fields of ``value`` (a body or query string) that name an object get the
    name of a real one."""
    if isinstance(value, list):
        for item in value:
            _draw_real_references(data, item, references)
    elif isinstance(value, dict):
        for key in list(value):
            if key in references and data.draw(st.booleans()):
                value[key] = data.draw(st.sampled_from(references[key]))
            else:
                _draw_real_references(data, value[key], references)


def _fuzz(operation, headers, pools, references, errors, sent) -> str | None:
    """The first failing example of ``operation`` (after Hypothesis shrank it), or None;
    ``sent`` counts the requests."""
    real = {parameter.name: pools[_pool_key(operation.path, parameter.name)]
            for parameter in operation.path_parameters}
    cases = _strategy(operation)

    @seed(SEED)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=False,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data):
        case = data.draw(cases)
        for name, ids in real.items():
            if data.draw(st.booleans()):
                case.path_parameters[name] = data.draw(st.sampled_from(ids))
        _draw_real_references(data, case.body, references)
        _draw_real_references(data, case.query, references)
        errors.clear()
        cache.clear()  # rate limits would soon answer every example of an operation with 429
        with transaction.atomic():
            try:
                response = case.call(headers=headers)
                sent.append(operation)
                case.validate_response(response, checks=CONFORMS, headers=headers)
            finally:
                transaction.set_rollback(True)

    try:
        run()
    except (Exception, FailureGroup) as failure:  # reported with the other operations' failures
        return _summary(operation, failure, errors)
    return None


def _summary(operation, failure, errors) -> str:
    """What failed, the request to reproduce it and, for a 500, where the exception came from
    (the last lines of its traceback)."""
    lines = [line for line in str(failure).splitlines() if line.strip()]
    kept = [line for number, line in enumerate(lines)
            if not line.startswith(("    ", "  |     "))
            or lines[number - 1].startswith("- ST")]
    curl = [line.strip() for line in lines if "curl " in line][:1]
    paths = [f"  at {'/'.join(map(str, problem.instance_path))}"
             for problem in getattr(failure, "exceptions", ())
             if hasattr(problem, "instance_path")]
    where = errors[-1].strip().splitlines()[-6:] if errors else []
    return "\n".join([f"{operation.method.upper()} {operation.path}", *kept[:10], *paths, *curl,
                      *where])


ROLES = ["owner", "agent", "anonymous"]


@pytest.mark.parametrize("role", ROLES)
def test_no_operation_fails_on_any_input(api_schema, in_process, world, role):
    user = {"owner": world.owner, "agent": world.agent_a.user, "anonymous": None}[role]
    pools, references = shop_world.real_ids(world), shop_world.real_references(world)
    failures, sent = [], []
    operations = _operations(api_schema)
    with _server_errors() as errors:
        for operation in operations:
            failure = _fuzz(operation, token_headers(user), pools, references, errors, sent)
            if failure:
                failures.append(failure)
    print(f"\n{role}: {len(operations)} operations, {len(sent)} requests")
    report = "\n\n".join(failures)
    assert not failures, f"{len(failures)} operations failed as {role}:\n\n{report}"
