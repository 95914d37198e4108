import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "密码太短：至少需要 8 个字符。"), ("zh-hant", "密碼太短：至少需要 8 個字元。"),
     ("en", "This password is too short: use at least 8 characters.")],
)
def test_password_rules_speak_the_users_language(language, expected):
    with translation.override(language), pytest.raises(ValidationError) as error:
        validate_password("Ab3$")
    assert expected in error.value.messages


def test_no_password_is_longer_than_128_characters_whatever_sets_it(owner):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        validate_password("Ab3$" * 250_000)
    assert "This password is too long: use at most 128 characters." in error.value.messages
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_password("Ab3$" * 33)
    assert "密码太长：最多 128 个字符。" in error.value.messages
    with translation.override("en"), pytest.raises(CommandError, match="too long"):
        call_command("resetpassword", "owner", "--no-input", "--password", "Ab3$" * 33)
    validate_password("Ab3$" * 32)
