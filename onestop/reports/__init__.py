"""reports: the official forms and indices — Biểu 06 (form06: counts, identities, JSON, CSV and
terminal table; form06_html for the page; form06_xlsx laid out like the official form) and the
Decision 766 indicators (index766).

May import core only. Pages and the command line import the module they need.
"""
