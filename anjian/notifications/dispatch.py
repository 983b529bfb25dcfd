"""Sending deliveries (placeholder: the dispatcher is being written)."""


def kick():
    """Ask a worker to send what is due now."""


def send_due(now=None, limit=500):
    """Send the deliveries that are due; returns how many were tried."""
    return 0
