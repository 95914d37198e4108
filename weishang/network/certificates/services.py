"""Authorization certificates (授权书): issuing, renewing and revoking them, and the
image (PNG and PDF) an agent shows their customers.

A certificate is issued when an agent becomes active and revoked when they are suspended or
exit (see receivers); the owner may also issue, renew or revoke one by hand. A
renewal is a new certificate: the old one stays valid until it expires unless revoked.

The number (WS + issue date + six random letters) is printed on the image and checked by anyone
at /verify/<number>, so it is not guessable in sequence: a forged certificate cannot borrow the
neighbouring number of a real one.

The image is drawn with the share posters' font, text fitting and QR code (core.drawing). Its few
fixed words are Chinese whatever language the console speaks: it is written for the agent's
customers. Rendered files are cached under ``MEDIA_ROOT/certificates/<number>/``, named by a
hash of everything drawn (fields, verify URL, seal file, layout version).
"""

import hashlib
import io
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageDraw

from weishang.accounts.permissions import AGENT_MANAGERS_ONLY, require_manager
from weishang.core.drawing import drawable, font, qr_code, wrap
from weishang.core.errors import Conflict, InvalidInput
from weishang.core.files import delete_files_after_commit, drawn_once
from weishang.core.images import check_image
from weishang.core.models import max_length_of

from ..models import Agent, AgentState, Certificate, NetworkSettings
from .queries import shop_name

NUMBER_PREFIX = "WS"
NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed in
NUMBER_RANDOM_LENGTH = 6
NUMBER_ATTEMPTS = 5

#: Why a certificate was revoked without a person's reason (kept in the row as written then).
REVOKED_SUSPENDED = gettext_lazy("The agent was suspended.")
REVOKED_EXITED = gettext_lazy("The agent left.")
REVOKED_LEVEL_CHANGED = gettext_lazy("Replaced: the agent's level changed.")


def new_number(today: date) -> str:
    random_part = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_RANDOM_LENGTH))
    return f"{NUMBER_PREFIX}{today:%Y%m%d}{random_part}"


# -- Changes ------------------------------------------------------------------------------------

def issue(agent: Agent, *, actor=None, today: date | None = None) -> Certificate:
    """A new certificate for an active agent, valid from today for the owner's number of
    months. ``actor`` None: the system (the agent became active)."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    today = today or timezone.localdate()
    with transaction.atomic():
        agent = Agent.objects.select_for_update().select_related("level").get(pk=agent.pk)
        if agent.state != AgentState.ACTIVE:
            raise Conflict(_("Only an active agent can be given a certificate."),
                           code="agent_not_active")
        months = NetworkSettings.load().certificate_months
        fields = {"agent": agent, "agent_name": agent.name, "wechat_id": agent.wechat_id,
                  "level_name": agent.level.name, "valid_from": today,
                  "valid_until": today + relativedelta(months=months) - timedelta(days=1)}
        for attempt in range(NUMBER_ATTEMPTS):
            try:
                with transaction.atomic():
                    return Certificate.objects.create(number=new_number(today), **fields)
            except IntegrityError:
                # Only a number drawn twice gets here (1 in 887 million a day); the same
                # error again and again is something else.
                if attempt == NUMBER_ATTEMPTS - 1:
                    raise
    raise AssertionError("unreachable")


def renew(certificate: Certificate, *, actor=None, today: date | None = None) -> Certificate:
    """A new certificate for the same agent with today's name, level and WeChat ID."""
    return issue(certificate.agent, actor=actor, today=today)


def revoke(certificate: Certificate, *, reason: str, actor=None,
           now: datetime | None = None) -> Certificate:
    """Revoke one certificate (the public page says so from now on) with a reason."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the certificate is revoked."), field="reason")
    limit = max_length_of(Certificate, "revoke_reason")
    if len(reason) > limit:
        raise InvalidInput(_("At most %(count)d characters.") % {"count": limit},
                           field="reason")
    now = now or timezone.now()
    if not Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoke_reason=reason, updated_at=now):
        raise Conflict(_("This certificate is revoked already."), code="already_revoked")
    certificate.refresh_from_db()
    return certificate


def revoke_all(agent: Agent, *, reason: str, now: datetime | None = None) -> int:
    """Revoke every certificate of ``agent`` not revoked yet (expired ones too: the page then
    says why the agent is no longer authorised). Returns how many."""
    now = now or timezone.now()
    return Certificate.objects.filter(agent=agent, revoked_at__isnull=True).update(
        revoked_at=now, revoke_reason=str(reason)[:max_length_of(Certificate, "revoke_reason")],
        updated_at=now)


def set_seal(actor, upload) -> NetworkSettings:
    """The owner's seal (公章) printed on every certificate; ``upload`` None removes it."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    if upload is not None:
        try:
            check_image(upload)
        except InvalidInput as exc:
            raise InvalidInput(exc.message, code=exc.code, field="seal") from None
    with transaction.atomic():
        rules = NetworkSettings.load(lock=True)
        old = rules.seal.name
        if upload is None:
            rules.seal = ""
        else:
            rules.seal.save(upload.name, upload, save=False)
        rules.save(update_fields=["seal"])
        if old and old != rules.seal.name:
            delete_files_after_commit(NetworkSettings(seal=old).seal)
    return rules


# -- The image ----------------------------------------------------------------------------------

WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi
RESOLUTION = 150
MARGIN = 110
INNER = WIDTH - 2 * MARGIN
BACKGROUND = "#fffdf7"
BORDER = "#b8860b"
INK = "#222222"
MUTED = "#777777"
RED = "#c8161d"
SEAL_SIZE = 300

TITLE = "授权书"
ISSUER = "授权方"
STATEMENT = "兹授权 {name} 为{shop}{level}，可在授权期内销售本品牌产品。特发此证。"
FIELD_LABELS = ("姓名", "级别", "微信号", "证书编号", "有效期")
DATE_FORMAT = "{0.year}年{0.month}月{0.day}日"
QR_CAPTION = "扫码验证真伪"
QR_SIZE = 230

#: Bumped when the layout changes, so cached certificates are drawn again.
LAYOUT_VERSION = 1
CERTIFICATE_DIR = "certificates"


@dataclass(frozen=True)
class Drawn:
    """Everything a certificate image shows."""

    shop_name: str
    agent_name: str
    level_name: str
    wechat_id: str
    number: str
    valid_from: str
    valid_until: str
    verify_url: str
    seal: str  # the stored seal's name, "" for none

    def fingerprint(self) -> str:
        encoded = json.dumps({**asdict(self), "layout": LAYOUT_VERSION}, sort_keys=True,
                             ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()[:32]


def drawn(certificate: Certificate, verify_url: str) -> Drawn:
    return Drawn(
        shop_name=shop_name(), agent_name=certificate.agent_name,
        level_name=certificate.level_name, wechat_id=certificate.wechat_id,
        number=certificate.number, valid_from=DATE_FORMAT.format(certificate.valid_from),
        valid_until=DATE_FORMAT.format(certificate.valid_until), verify_url=verify_url,
        seal=NetworkSettings.load().seal.name or "")


def _seal_image(name: str) -> Image.Image | None:
    """The seal with its transparency kept (a red stamp over the text), or None when the file
    cannot be read: the certificate is drawn without it rather than failing."""
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as file, Image.open(file) as picture:
            picture.thumbnail((SEAL_SIZE, SEAL_SIZE), Image.Resampling.LANCZOS)
            return picture.convert("RGBA")
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        return None


def draw_certificate(content: Drawn) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, WIDTH - 40, HEIGHT - 40), outline=BORDER, width=8)
    draw.rectangle((62, 62, WIDTH - 62, HEIGHT - 62), outline=BORDER, width=2)

    center = WIDTH // 2
    top = 170
    for line in wrap(drawable(content.shop_name), 44, INNER, 2):
        draw.text((center, top), line, font=font(44), fill=MUTED, anchor="ma")
        top += 62
    draw.text((center, top + 30), TITLE, font=font(120), fill=RED, anchor="ma",
              stroke_width=2, stroke_fill=RED)
    top += 260

    statement = STATEMENT.format(name=content.agent_name, shop=content.shop_name,
                                 level=f"「{content.level_name}」")
    for line in wrap(drawable(statement), 40, INNER, 4):
        draw.text((MARGIN, top), line, font=font(40), fill=INK)
        top += 64
    top += 50

    values = (content.agent_name, content.level_name, content.wechat_id or "—", content.number,
              f"{content.valid_from} 至 {content.valid_until}")
    for label, value in zip(FIELD_LABELS, values, strict=True):
        draw.text((MARGIN, top), label, font=font(36), fill=MUTED)
        for line in wrap(drawable(value), 38, INNER - 230, 2):
            draw.text((MARGIN + 230, top - 2), line, font=font(38), fill=INK,
                      stroke_width=1, stroke_fill=INK)
            top += 58
        draw.line((MARGIN, top, WIDTH - MARGIN, top), fill="#eadfc8", width=2)
        top += 34

    bottom = HEIGHT - 170
    qr = qr_code(content.verify_url, QR_SIZE)
    image.paste(qr, (MARGIN, bottom - qr.height))
    draw.text((MARGIN + qr.width // 2, bottom + 14), QR_CAPTION, font=font(28), fill=MUTED,
              anchor="ma")

    right = WIDTH - MARGIN
    draw.text((right, bottom - 170), f"{ISSUER}：", font=font(34), fill=MUTED, anchor="ra")
    for index, line in enumerate(wrap(drawable(content.shop_name), 38, 520, 2)):
        draw.text((right, bottom - 120 + index * 54), line, font=font(38), fill=INK,
                  anchor="ra")
    draw.text((right, bottom + 14), content.valid_from, font=font(32), fill=MUTED, anchor="ra")
    seal = _seal_image(content.seal)
    if seal is not None:
        # Over the issuer's name, as a stamp is pressed on paper.
        image.paste(seal, (right - 260 - seal.width // 2, bottom - 60 - seal.height // 2),
                    mask=seal)
    return image


def _stored(content: Drawn, kind: str) -> str:
    """The storage name of the rendered ``kind`` ("png" or "pdf"), drawn only if not stored."""

    def draw() -> bytes:
        output = io.BytesIO()
        picture = draw_certificate(content)
        if kind == "pdf":
            picture.save(output, "PDF", resolution=RESOLUTION)
        else:
            picture.save(output, "PNG")
        return output.getvalue()

    return drawn_once(f"{CERTIFICATE_DIR}/{content.number}", f"{content.fingerprint()}.{kind}",
                      draw)


KINDS = {"png": "image/png", "pdf": "application/pdf"}


def render(certificate: Certificate, *, verify_url: str, kind: str = "png") -> str:
    """The certificate as a stored PNG or PDF (its storage name), drawn at most once for the
    same content. ``verify_url`` is the absolute URL of its public check."""
    if kind not in KINDS:
        raise InvalidInput(_("Choose PNG or PDF."), field="kind")
    return _stored(drawn(certificate, verify_url), kind)
