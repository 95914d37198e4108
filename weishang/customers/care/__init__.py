"""Customer care day by day (客户维护): follow-ups, repurchase and birthday reminders, who to
contact today (今日待联系) with a message to send, the RFM segment pages and the owner's
customer-care settings."""
