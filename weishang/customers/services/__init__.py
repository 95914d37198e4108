"""Every change of a customer record, one module per concern (lower ones never import higher
ones): ``records`` (by hand: settings, search keys, cleaning, profile, notes, addresses),
``from_orders`` (records kept in step with orders) and ``privacy`` (PIPL: reveal, export,
erase, the access log). The public names are re-exported here, so callers write
``from weishang.customers import services`` and ``services.create_customer(...)``.
"""

from .from_orders import order_state_changed, refresh_order_stats, upsert_from_order
from .privacy import (
    ERASED_NAME,
    can_see_full_phone,
    erase_customer,
    erasure_refused_because,
    export_customer,
    personal_data,
    reveal_phone,
    shown_phone,
)
from .records import (
    EARLIEST_BIRTHDAY,
    ID_NUMBER,
    MAX_TAGS,
    PROFILE_FIELDS,
    TAG_SEPARATORS,
    TAG_SEPARATORS_SHOWN,
    WECHAT_ID,
    add_address,
    add_note,
    create_customer,
    refresh_search_keys,
    refuse_id_numbers,
    remove_address,
    search_fields,
    seller_for,
    split_tags,
    update_customer,
    visible_customer,
)

__all__ = [
    "EARLIEST_BIRTHDAY", "ERASED_NAME", "ID_NUMBER", "MAX_TAGS", "PROFILE_FIELDS",
    "TAG_SEPARATORS", "TAG_SEPARATORS_SHOWN", "WECHAT_ID", "add_address", "add_note",
    "can_see_full_phone", "create_customer", "erase_customer",
    "erasure_refused_because", "export_customer", "order_state_changed", "personal_data",
    "refresh_order_stats", "refresh_search_keys", "refuse_id_numbers", "remove_address",
    "reveal_phone", "search_fields", "seller_for", "shown_phone", "split_tags",
    "update_customer", "upsert_from_order", "visible_customer",
]
