"""Telegram-shaped output shared by the handlers and the dispatcher: button data, keyboards,
a prompt with its buttons, a recap being sent, the reminder list."""
