"""How a hostile case ends other than by passing (shared by hostile.py and its case modules)."""


class Skip(Exception):
    """The case cannot run here (needs root, or address-space limits under AddressSanitizer)."""


class Failure(Exception):
    """The program did something a user must never see."""
