import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
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
