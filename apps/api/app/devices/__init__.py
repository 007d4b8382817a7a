"""Devices (M5.T1): the signed-in devices of an account — list, sign one out, sign out the
others. Built on ``auth.sessions``, which owns the session lifecycle."""
