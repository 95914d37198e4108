"""Admin for earnings: look, don't touch. Balances change only with their ledger entries and
withdrawals only through their services (services/withdrawals.py), so everything here is
read-only."""

from django.contrib import admin

from weishang.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import AgentBalance, CommissionSettings, LedgerEntry, SettlementRun, Withdrawal


class WithdrawalEntryInline(ReadOnlyInline):
    model = LedgerEntry
    fields = ["created_at", "kind", "bucket", "amount", "key"]
    readonly_fields = fields


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "agent", "kind", "bucket", "amount", "order", "withdrawal"]
    list_filter = ["kind", "bucket"]
    list_select_related = ["agent", "order", "withdrawal"]
    search_fields = ["agent__name", "key", "order__number"]
    ordering = ["-created_at", "-id"]


@admin.register(AgentBalance)
class AgentBalanceAdmin(ReadOnlyAdmin):
    list_display = ["agent", "pending", "frozen", "available", "withdrawing", "withdrawn"]
    list_select_related = ["agent"]
    search_fields = ["agent__name"]
    ordering = ["agent__name"]


@admin.register(Withdrawal)
class WithdrawalAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "agent", "amount", "fee", "method", "state", "paid_at"]
    list_filter = ["state", "method"]
    list_select_related = ["agent"]
    search_fields = ["agent__name", "public_id", "reference"]
    ordering = ["-created_at", "-id"]
    inlines = [WithdrawalEntryInline]


@admin.register(CommissionSettings)
class CommissionSettingsAdmin(ReadOnlyAdmin):
    list_display = ["withdrawal_minimum", "withdrawal_fee_percent", "upline_enabled",
                    "upline_percent", "upline_depth", "team_orders_earn"]


@admin.register(SettlementRun)
class SettlementRunAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "settled_through", "earnings", "agents", "amount"]
    ordering = ["-id"]
