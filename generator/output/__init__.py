"""Stages 7, 9 and 11, output: fingerprint, write, switch.

Takes: the planned pages and the files to copy. Gives: every output file with a digest of
its inputs (files.py, fingerprint.py), the changed ones written by workers (write.py), the
host's size limits checked (limits.py), and the new site switched in atomically
(switch.py). The build cache under `.sitegen/` (cache.py) is read as data only
(safeload.py); links.py checks the links of rendered pages for `sitegen check`.
"""
