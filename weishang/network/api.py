"""REST endpoints of agents: levels, applications, agents, the tree, rules."""

urlpatterns = []
