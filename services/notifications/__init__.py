"""消息中心 and e-mail (issue 16): messages written with the event, an outbox the sender delivers once,
scheduled reminders, per-kind preferences and the enterprise watchlist."""
