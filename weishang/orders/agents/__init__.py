"""What an agent sees of orders — their own shop's orders and this month's sales — and the
orders the owner sees on an agent's page. Orders come after network, so these reads live here
and network never imports orders (docs/architecture.md, "Layers")."""
