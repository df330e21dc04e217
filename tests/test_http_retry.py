"""The one retry policy and Retry-After parser every HTTP caller shares."""

from __future__ import annotations

from bot.http_retry import RetryPolicy, is_retryable_status, parse_retry_after


def test_retry_after_as_seconds_or_http_date():
    assert parse_retry_after("2") == 2.0 and parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0  # already past
    assert parse_retry_after("-5") == 0.0  # never a negative wait


def test_retry_after_in_every_http_date_format_is_gmt():
    """RFC 9110 asks recipients to read all three HTTP date formats, all in GMT; the asctime
    one (and a ``-0000`` zone) has no zone of its own and was read as no Retry-After at all, so
    a rate-limited request was retried inside the window."""
    now = 1445412470.0  # 10 s before Wed, 21 Oct 2015 07:28:00 GMT
    assert parse_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", now=now) == 10.0  # RFC 850
    assert parse_retry_after("Wed Oct 21 07:28:00 2015", now=now) == 10.0  # asctime
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 -0000", now=now) == 10.0


def test_retry_after_that_is_no_number_of_seconds_is_none():
    assert parse_retry_after("nan") is None and parse_retry_after("inf") is None


def test_retry_after_absent_or_garbage_is_none():
    assert parse_retry_after(None) is None and parse_retry_after("") is None
    assert parse_retry_after("soon") is None and parse_retry_after("Wed, 21 Oct 2015") is None


def test_backoff_doubles_from_the_base_and_the_server_wins():
    policy = RetryPolicy(max_attempts=3, backoff_seconds=2.0)
    assert [policy.backoff(n) for n in (1, 2, 3)] == [2.0, 4.0, 8.0]
    assert policy.delay(2, asked=7.0) == 7.0 and policy.delay(2) == 4.0
    assert not policy.gives_up(2) and policy.gives_up(3)


def test_only_429_and_5xx_are_worth_another_try():
    assert is_retryable_status(429) and is_retryable_status(500) and is_retryable_status(503)
    assert not any(is_retryable_status(s) for s in (400, 401, 403, 404, 410, 422))
