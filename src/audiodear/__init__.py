"""AudioDEAR reproduction workflow."""
__version__ = "0.1.0"
