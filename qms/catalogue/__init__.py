"""The TTHC catalogue: import, codes, links from processes, statutory times and the one coverage matcher."""
