"""Frontdesk: self-hosted customer-engagement widgets and the server behind them."""

__version__ = "0.1.0"
