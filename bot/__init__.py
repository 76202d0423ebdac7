"""Between: a Telegram companion for the work people do between therapy sessions."""

__version__ = "0.1.0"
