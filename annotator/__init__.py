"""Media-bias and framing annotation: the core (storage, schemes, offsets, formats).

This package never imports Qt; the desktop front end lives in ``ui``.
"""

__version__ = "0.1.0"
