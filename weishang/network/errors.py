"""The error codes the network app answers with (see weishang.core.errors.declare)."""

from weishang.core.errors import declare

declare("network", "unlawful_condition", 400,
        "An upgrade condition measures what the law forbids (purchases, recruiting).")
declare("network", "buyback_too_low", 400, "The buy-back refund is below the legal minimum.")
declare("network", "invitation_unknown", 404, "The invitation link does not exist.")
declare("network", "invitation_closed", 409, "The invitation link is not in use any more.")
declare("network", "no_levels", 409, "No agent level is set up, so nobody can join.")
declare("network", "level_taken", 409, "Another level has this rank or name.")
declare("network", "level_in_use", 409, "Agents hold the level.")
declare("network", "level_deleted", 409, "The level the agent's selling supports was deleted.")
declare("network", "no_level_review", 409, "The agent's level is not waiting for a decision.")
declare("network", "same_level", 409, "The agent is at this level already.")
declare("network", "state_not_allowed", 409, "The agent's state does not allow this.")
declare("network", "state_changed", 409, "The agent's state changed meanwhile; reload.")
declare("network", "same_upline", 409, "The agent is under this upline already.")
declare("network", "upline_cycle", 409, "The new upline is in the agent's own team.")
declare("network", "agent_not_active", 409, "Only an active agent can be given a certificate.")
declare("network", "already_revoked", 409, "The certificate is revoked already.")
