import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from tests.factories import UserFactory
from weishang.catalog import services


@pytest.fixture(autouse=True)
def _english():
    """Messages in English, so tests read the message ids; some tests check the Chinese default."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def agent(db):
    return UserFactory(role="agent")


@pytest.fixture
def catalog_client(client, catalog_staff):
    client.force_login(catalog_staff)
    return client


def picture_bytes(image_format="PNG", size=(40, 30), color="red", mode="RGB", **options) -> bytes:
    output = io.BytesIO()
    Image.new(mode, size, color).save(output, image_format, **options)
    return output.getvalue()


def upload(content: bytes, name="picture.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def new_product(specs=(), price="99.00", **fields):
    """A product made through the services, every combination at ``price``."""
    specs = services.clean_specs(specs)
    names = [option["name"] for option in specs]
    variants = [
        services.VariantData(spec_values=dict(zip(names, combination, strict=True)),
                             retail_price=price)
        for combination in services.combinations(specs)
    ]
    fields.setdefault("title", "纯棉T恤")
    return services.create_product(specs=specs, variants=variants, **fields)


COLOUR_SIZE = [
    {"name": "颜色", "values": ["红", "蓝"]},
    {"name": "尺码", "values": ["S", "M", "L"]},
]


def product_form(title="纯棉T恤", specs=(), rows=(), action="save", **fields):
    """POST data of the product form: ``specs`` as [(name, "values")], ``rows`` as
    [(combination, {field: value})]."""
    data = {"title": title, "selling_points": "", "description": "", "category": "",
            "action": action, "v-TOTAL_FORMS": str(len(rows)),
            "v-INITIAL_FORMS": str(len(rows)), "v-MIN_NUM_FORMS": "0",
            "v-MAX_NUM_FORMS": "200", **fields}
    for number, (name, values) in enumerate(specs, start=1):
        data[f"spec_{number}_name"], data[f"spec_{number}_values"] = name, values
    for index, (combination, values) in enumerate(rows):
        data[f"v-{index}-combination"] = json.dumps(list(combination), ensure_ascii=False)
        for name, value in values.items():
            data[f"v-{index}-{name}"] = value
    return data
