"""newscrawl: crawls the language editions of RFI and its sister sites into clean JSON Lines."""

__version__ = "0.1.0"
