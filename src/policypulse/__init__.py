"""PolicyPulse: a monthly research and policy digest, from harvest to inbox."""

__version__ = "0.1.0"
