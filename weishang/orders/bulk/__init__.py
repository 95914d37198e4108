"""Bulk shipping with Excel: export the paid orders to ship, import their tracking numbers
(/console/orders/shipping/ and /api/v1/orders/shipping-import/)."""
