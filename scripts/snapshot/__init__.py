"""Deterministic generator of the offline TEST SNAPSHOTS of www.rfi.fr, www.france24.com, www.mc-doualiya.com.

Entry point: ``scripts/build_snapshot.py`` (see its docstring and ``snapshots/README.md``).
"""
