"""Authorization certificates (授权书): issued when an agent becomes active, revoked when they
are suspended or leave, replaced when their level changes; renewing and revoking by hand; the
PNG whose QR code leads to the public check, with every glyph of a Chinese name drawn, its PDF,
the cache; the owner's and the agent's pages, and agent A against agent B's certificates."""

import io
from datetime import date

import pytest
import zxingcpp
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFont

from tests.factories import AgentFactory, AgentLevelFactory, UserFactory
from weishang.accounts.models import Shop
from weishang.core import drawing
from weishang.core.errors import Conflict, InvalidInput, NotPermitted
from weishang.network.certificates import queries
from weishang.network.certificates import services as certificates
from weishang.network.models import Certificate, NetworkSettings
from weishang.network.signals import agent_level_changed, agent_state_changed

# Rare characters and a polyphonic surname: the font must draw each one.
RARE_NAME = "龘靐·鱻犇"


@pytest.fixture
def brand_shop(owner):
    return Shop.objects.create(seller=owner, name="茶香坊")


@pytest.fixture
def agent(db):
    return AgentFactory(name="王芳", wechat_id="wangfang_888", level=AgentLevelFactory(
        rank=1, name="特约"))


def move(agent, to_state):
    """What network.services does when an agent's state changes, as far as certificates see."""
    from_state, agent.state = agent.state, to_state
    agent.save()
    agent_state_changed.send(sender=type(agent), agent=agent, from_state=from_state,
                             to_state=to_state)


def png(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def colours(picture: Image.Image) -> dict:
    return {colour: count for count, colour in picture.getcolors(1 << 22)}


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name, "rb") as file:
        return file.read()


def seal_upload() -> SimpleUploadedFile:
    output = io.BytesIO()
    stamp = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    stamp.paste((200, 20, 30, 255), (20, 20, 180, 180))
    stamp.save(output, "PNG")
    return SimpleUploadedFile("seal.png", output.getvalue(), content_type="image/png")


# -- Issuing, renewing, revoking -----------------------------------------------------------------

def test_an_issued_certificate_copies_the_agent_and_lasts_the_owners_months(agent, owner):
    NetworkSettings.objects.update_or_create(singleton=True, defaults={"certificate_months": 6})
    certificate = certificates.issue(agent, actor=owner, today=date(2025, 1, 31))
    assert (certificate.agent_name, certificate.level_name, certificate.wechat_id) == (
        "王芳", "特约", "wangfang_888")
    assert (certificate.valid_from, certificate.valid_until) == (date(2025, 1, 31),
                                                                 date(2025, 7, 30))
    assert certificate.number.startswith("WS20250131") and len(certificate.number) == 16
    assert queries.state_of(certificate, date(2025, 7, 30)) == "valid"
    assert queries.state_of(certificate, date(2025, 7, 31)) == "expired"

    agent.name = "王芳芳"
    agent.save()
    certificate.refresh_from_db()
    assert certificate.agent_name == "王芳", "a certificate says what it said when issued"


def test_numbers_end_in_random_letters_not_a_sequence(agent):
    numbers = [certificates.issue(agent).number for _ in range(5)]
    assert len(set(numbers)) == 5
    assert all(set(number[-6:]) <= set(certificates.NUMBER_ALPHABET) for number in numbers)


def test_only_an_active_agent_gets_a_certificate_and_only_from_a_manager(agent, staff):
    with pytest.raises(NotPermitted):
        certificates.issue(agent, actor=staff)
    agent.state = "suspended"
    agent.save()
    with pytest.raises(Conflict) as refused:
        certificates.issue(agent)
    assert refused.value.code == "agent_not_active"
    assert not Certificate.objects.exists()


def test_renewing_issues_a_new_certificate_and_the_old_one_stays_valid(agent, owner):
    old = certificates.issue(agent, today=date(2025, 1, 1))
    new = certificates.renew(old, actor=owner, today=date(2025, 11, 1))
    old.refresh_from_db()
    assert new.number != old.number and new.valid_from == date(2025, 11, 1)
    assert queries.state_of(old, date(2025, 11, 1)) == "valid"


def test_revoking_needs_a_reason_and_happens_once(agent, owner):
    certificate = certificates.issue(agent)
    with pytest.raises(InvalidInput) as refused:
        certificates.revoke(certificate, reason="  ", actor=owner)
    assert refused.value.field == "reason"
    certificates.revoke(certificate, reason="冒用品牌", actor=owner)
    certificate.refresh_from_db()
    assert queries.state_of(certificate) == "revoked"
    assert certificate.revoke_reason == "冒用品牌"
    with pytest.raises(Conflict) as again:
        certificates.revoke(certificate, reason="again", actor=owner)
    assert again.value.code == "already_revoked"


# -- Following the agent ------------------------------------------------------------------------

def test_approval_issues_a_certificate(db):
    agent = AgentFactory(name="赵敏", wechat_id="zhaomin", state="applied")
    assert not agent.certificates.exists()
    move(agent, "active")
    (certificate,) = agent.certificates.all()
    assert certificate.agent_name == "赵敏" and queries.state_of(certificate) == "valid"


@pytest.mark.parametrize("to_state", ["suspended", "exited"])
def test_suspension_or_exit_revokes_every_certificate(agent, to_state):
    certificates.issue(agent)
    certificates.issue(agent)
    move(agent, to_state)
    assert {queries.state_of(found) for found in agent.certificates.all()} == {"revoked"}
    assert all(found.revoke_reason for found in agent.certificates.all())


def test_reactivation_issues_a_fresh_certificate(agent):
    first = certificates.issue(agent)
    move(agent, "suspended")
    move(agent, "active")
    states = {found.number: queries.state_of(found) for found in agent.certificates.all()}
    assert states.pop(first.number) == "revoked"
    assert list(states.values()) == ["valid"]


def test_a_level_change_replaces_the_certificate(agent):
    first = certificates.issue(agent)
    from_level, agent.level = agent.level, AgentLevelFactory(rank=2, name="总代")
    agent.save()
    agent_level_changed.send(sender=type(agent), agent=agent, from_level=from_level,
                             to_level=agent.level)
    current = agent.certificates.filter(revoked_at__isnull=True).get()
    assert current.level_name == "总代" and current.number != first.number


# -- The image ----------------------------------------------------------------------------------

def test_the_png_shows_a_qr_code_of_the_verify_url_and_is_a4_portrait(agent, brand_shop):
    certificate = certificates.issue(agent)
    url = f"https://shop.example.com/verify/{certificate.number}"
    picture = png(stored_bytes(certificates.render(certificate, verify_url=url)))
    assert picture.format == "PNG" and picture.size == (1240, 1754)
    assert [found.text for found in zxingcpp.read_barcodes(picture)] == [url]


def test_every_glyph_of_a_chinese_name_is_covered_by_the_font(brand_shop):
    agent = AgentFactory(name=RARE_NAME)
    content = certificates.drawn(certificates.issue(agent), "http://testserver/verify/x")
    font = ImageFont.truetype(drawing.font_file(), 38)
    for char in content.agent_name + content.level_name + content.shop_name + "授权书扫码验证真伪":
        assert drawing.font_covers(char, 38), char
        assert font.getmask(char).getbbox() is not None, char


def test_the_pdf_is_a_pdf(agent):
    certificate = certificates.issue(agent)
    data = stored_bytes(certificates.render(certificate, verify_url="http://t/verify/x",
                                            kind="pdf"))
    assert data.startswith(b"%PDF")


def test_a_second_download_is_not_drawn_again_but_a_new_seal_is(agent, owner, monkeypatch):
    certificate = certificates.issue(agent)
    first = certificates.render(certificate, verify_url="http://t/v")
    drawn = []
    monkeypatch.setattr(certificates, "draw_certificate",
                        lambda content: drawn.append(content) or Image.new("RGB", (10, 10)))
    assert certificates.render(certificate, verify_url="http://t/v") == first
    assert drawn == []

    certificates.set_seal(owner, seal_upload())
    second = certificates.render(certificate, verify_url="http://t/v")
    assert second != first and len(drawn) == 1
    assert not default_storage.exists(first), "the older rendering is removed"


def test_the_seal_is_printed(agent, owner):
    certificate = certificates.issue(agent)
    plain = png(stored_bytes(certificates.render(certificate, verify_url="http://t/v")))
    certificates.set_seal(owner, seal_upload())
    sealed = png(stored_bytes(certificates.render(certificate, verify_url="http://t/v")))
    assert colours(sealed).get((200, 20, 30), 0) == 160 * 160
    assert (200, 20, 30) not in colours(plain)


def test_a_broken_seal_file_is_left_out_rather_than_failing(agent, owner):
    rules = NetworkSettings.load()
    rules.seal.save("seal.png", io.BytesIO(b"not a picture"))
    certificate = certificates.issue(agent)
    assert certificates.render(certificate, verify_url="http://t/v").endswith(".png")


# -- Console pages -----------------------------------------------------------------------------

def test_the_owner_issues_renews_and_revokes_from_the_agent_page(owner_client, agent):
    page = reverse("certificates:agent", args=[agent.public_id])
    response = owner_client.post(reverse("certificates:issue", args=[agent.public_id]),
                                 follow=True)
    certificate = agent.certificates.get()
    assert certificate.number in response.text

    owner_client.post(reverse("certificates:renew", args=[certificate.number]))
    assert agent.certificates.count() == 2

    refused = owner_client.post(reverse("certificates:revoke", args=[certificate.number]),
                                {"reason": ""}, follow=True)
    assert refused.status_code == 200
    certificate.refresh_from_db()
    assert certificate.revoked_at is None

    owner_client.post(reverse("certificates:revoke", args=[certificate.number]),
                      {"reason": "已离职"})
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "已离职"
    assert 'data-state="revoked"' in owner_client.get(page).text


def test_downloads_as_png_and_pdf(owner_client, agent):
    certificate = certificates.issue(agent)
    response = owner_client.get(reverse("certificates:download",
                                        args=[certificate.number, "png"]))
    picture = png(b"".join(response.streaming_content))
    assert response["Content-Type"] == "image/png"
    assert [found.text for found in zxingcpp.read_barcodes(picture)] == [
        f"http://testserver/verify/{certificate.number}"]
    pdf = owner_client.get(reverse("certificates:download", args=[certificate.number, "pdf"]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_an_agent_sees_and_downloads_only_their_own(client, agent):
    mine = certificates.issue(agent)
    other = certificates.issue(AgentFactory(name="李四"))
    client.force_login(agent.user)

    page = client.get(reverse("certificates:mine"))
    assert mine.number in page.text and other.number not in page.text
    assert client.get(reverse("certificates:download", args=[mine.number, "png"])
                      ).status_code == 200
    for kind in ("png", "pdf"):
        assert client.get(reverse("certificates:download", args=[other.number, kind])
                          ).status_code == 404
    for name, args in [("certificates:list", []), ("certificates:seal", []),
                       ("certificates:agent", [other.agent.public_id])]:
        assert client.get(reverse(name, args=args)).status_code == 403
    for name in ("certificates:renew", "certificates:revoke"):
        assert client.post(reverse(name, args=[other.number]), {"reason": "x"}
                           ).status_code == 403
    other.refresh_from_db()
    assert other.revoked_at is None and Certificate.objects.count() == 2


def test_staff_need_the_agents_area(client, agent):
    certificate = certificates.issue(agent)
    client.force_login(UserFactory(role="staff", areas=["catalog"]))
    assert client.get(reverse("certificates:list")).status_code == 403
    assert client.get(reverse("certificates:download", args=[certificate.number, "png"])
                      ).status_code == 404
    client.force_login(UserFactory(role="staff", areas=["agents"]))
    assert client.get(reverse("certificates:list")).status_code == 200


def test_the_list_filters_by_state_and_its_queries_do_not_grow(
        owner_client, django_assert_max_num_queries):
    for _ in range(12):
        certificates.issue(AgentFactory())
    revoked = certificates.issue(AgentFactory(name="被撤销"))
    certificates.revoke(revoked, reason="x")
    with django_assert_max_num_queries(8):
        response = owner_client.get(reverse("certificates:list"))
    assert response.text.count("data-certificate=") == 13
    only_revoked = owner_client.get(reverse("certificates:list"), {"state": "revoked"})
    assert only_revoked.text.count("data-certificate=") == 1
    found = owner_client.get(reverse("certificates:list"), {"q": revoked.number.lower()})
    assert revoked.number in found.text and found.text.count("data-certificate=") == 1


def test_the_state_filter_finds_what_each_certificate_says_it_is(db):
    certificates.issue(AgentFactory())
    revoked = certificates.issue(AgentFactory())
    certificates.revoke(revoked, reason="x")
    lapsed = certificates.issue(AgentFactory())
    Certificate.objects.filter(pk=lapsed.pk).update(valid_from=date(2019, 1, 1),
                                                    valid_until=date(2020, 1, 1))
    for state in (queries.State.VALID, queries.State.EXPIRED, queries.State.REVOKED):
        found = set(Certificate.objects.filter(queries.in_state(state)))
        assert len(found) == 1
        assert found == {c for c in Certificate.objects.all() if queries.state_of(c) == state}
    assert queries.in_state("lost") is None


def test_the_owner_uploads_and_removes_the_seal(owner_client):
    response = owner_client.post(reverse("certificates:seal"), {"seal": seal_upload()})
    assert response.status_code == 302
    rules = NetworkSettings.objects.get()
    assert rules.seal and default_storage.exists(rules.seal.name)

    bad = owner_client.post(reverse("certificates:seal"), {
        "seal": SimpleUploadedFile("seal.png", b"not a picture", content_type="image/png")})
    assert bad.status_code == 400
    assert NetworkSettings.objects.get().seal.name == rules.seal.name

    owner_client.post(reverse("certificates:seal"), {"remove": "1"})
    assert not NetworkSettings.objects.get().seal
