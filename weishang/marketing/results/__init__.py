"""What sharing brought: clicks, orders, revenue and conversion per post, channel, seller and
tracked link (reads only)."""
