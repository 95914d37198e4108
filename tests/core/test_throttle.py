"""Rate limits in the cache (core/throttle.py): exact per subject and window, and shared by
every process when the cache is Redis."""

import multiprocessing
import uuid

import pytest
from django.core.cache import cache

from weishang.core.throttle import RateLimit, subject_key

REDIS_URL = "redis://127.0.0.1:6379/13"


def test_each_subject_has_its_own_count_in_each_window():
    limit = RateLimit("test", limit=2, seconds=600)
    start = 6000.0  # the start of a window
    assert [limit.hit("a", now=start + second) for second in (0, 1)] == [0, 0]
    assert limit.hit("a", now=start + 100) == 500, "the seconds until the window ends"
    assert limit.hit("b", now=start + 100) == 0
    assert limit.hit("a", now=start + 600) == 0, "a new window starts afresh"


def test_a_try_over_either_subject_is_refused():
    limit = RateLimit("test", limit=1, seconds=60)
    assert limit.hit("address", "mobile-1", now=0) == 0
    assert limit.hit("address-2", "mobile-1", now=1) == 59


def test_subject_keys_do_not_hold_the_value():
    key = subject_key("mobile", "13812345678")
    assert "13812345678" not in key and key == subject_key("mobile", "13812345678")


def _hit_in_a_process(name: str, tries: int, results) -> None:
    limit = RateLimit(name, limit=10, seconds=600)
    results.put(sum(1 for _ in range(tries) if limit.hit("address", now=1200.0) == 0))


def _redis_reachable() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means: no Redis here
        return False
    return True


@pytest.mark.skipif(not _redis_reachable(), reason="needs Redis at 127.0.0.1:6379")
def test_processes_sharing_redis_count_together(settings):
    """Four processes of 8 tries each against one limit of 10: 10 go ahead in all."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_URL, "KEY_PREFIX": uuid.uuid4().hex}}
    name = f"shared-{uuid.uuid4().hex}"
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [context.Process(target=_hit_in_a_process, args=(name, 8, results))
                 for _ in range(4)]
    for process in processes:
        process.start()
    allowed = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    cache.delete(f"throttle:{name}:address:2")  # this test's one key (never flush: shared Redis)
    assert sum(allowed) == 10
