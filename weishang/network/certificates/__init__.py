"""Authorization certificates (授权书): issued, renewed and revoked with the agent's state and
level, drawn as PNG and PDF, and checked by anyone at /verify/<number>."""
