"""The agent's own console and API: their shop link, team, invitation, profile and the
products their shop hides. What an agent sees of orders is orders' (``orders.agents``)."""
