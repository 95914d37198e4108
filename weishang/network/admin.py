"""Admin for the network: look, don't touch. Agents, levels and the tree change through the
services (the console or the API), so every change keeps its event, history and signal."""

from django.contrib import admin

from weishang.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Agent, AgentEvent, AgentLevel, UpgradeCondition, UplineChange


class ConditionInline(ReadOnlyInline):
    model = UpgradeCondition
    fields = ["metric", "threshold"]
    readonly_fields = fields


@admin.register(AgentLevel)
class AgentLevelAdmin(ReadOnlyAdmin):
    list_display = ["rank", "name", "discount_percent", "may_invite", "combination"]
    inlines = [ConditionInline]


class EventInline(ReadOnlyInline):
    model = AgentEvent
    fields = ["created_at", "kind", "from_value", "to_value", "actor", "note"]
    readonly_fields = fields


class UplineChangeInline(ReadOnlyInline):
    model = UplineChange
    fk_name = "agent"
    fields = ["created_at", "from_upline", "to_upline", "reason", "actor"]
    readonly_fields = fields


@admin.register(Agent)
class AgentAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "level", "state", "upline", "joined_at"]
    list_filter = ["state", "level"]
    search_fields = ["name", "code", "user__phone"]
    inlines = [EventInline, UplineChangeInline]
