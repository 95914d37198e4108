"""Tracked links (/t/<code>): one per post × channel × seller, the clicks they bring and the
attribution cookie that carries a click into the order."""
