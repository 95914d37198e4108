"""A throw-away shop for benchmarks: Django set up on a fresh data folder, N products in stock.

The data folder (unless WEISHANG_HOME names one) is removed when the benchmark exits, whether it
ends well, fails, is interrupted or terminated.
"""

import atexit
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if "WEISHANG_HOME" not in os.environ:
    os.environ["WEISHANG_HOME"] = tempfile.mkdtemp(prefix="weishang-bench-")
    atexit.register(shutil.rmtree, os.environ["WEISHANG_HOME"], ignore_errors=True)
    # Terminated (kill, a CI timeout): exit as Python does, so the folder goes too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weishang.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from weishang.accounts import services as accounts  # noqa: E402
from weishang.accounts.models import Role, User  # noqa: E402
from weishang.catalog import services as catalog  # noqa: E402
from weishang.catalog.models import Product, Variant  # noqa: E402
from weishang.inventory import services as stock  # noqa: E402

SPECS = [
    {"name": "颜色", "values": ["红", "蓝", "白"]},
    {"name": "尺码", "values": ["S", "M", "L"]},
]


def build_shop(products: int) -> User:
    """Migrate, then make sure the shop has an owner and ``products`` on-shelf products with
    3 × 3 variants, each with plenty of stock. Returns the owner."""
    call_command("migrate", interactive=False, verbosity=0)
    owner = User.objects.filter(role=Role.OWNER).first() or accounts.create_owner(
        username="bench-owner", phone="13800000001", password="Bench-password-2026")
    specs = catalog.clean_specs(SPECS)
    names = [option["name"] for option in specs]
    for number in range(products - Product.objects.count()):
        variants = [catalog.VariantData(spec_values=dict(zip(names, combo, strict=True)),
                                        retail_price="99.00")
                    for combo in catalog.combinations(specs)]
        product = catalog.create_product(title=f"基准商品 {number}", specs=specs, variants=variants)
        catalog.set_on_shelf(product, True)
    for variant in Variant.objects.filter(stock_levels__isnull=True):
        stock.adjust_stock(variant=variant, delta=1_000_000, reason="initial")
    return owner
