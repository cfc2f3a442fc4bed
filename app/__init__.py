"""Thresher: review and label crawled web pages for training data."""

__version__ = "0.1.0"
