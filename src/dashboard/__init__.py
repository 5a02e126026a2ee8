"""Bản đồ thể chế — an institutional map of how Vietnamese provinces settle administrative procedures."""

__version__ = "0.1.0"
