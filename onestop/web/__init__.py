"""web: the Streamlit layer, the only package that imports streamlit (besides pages/ and
dashboard.py). session holds the language, the store and cached queries; filter_bar the shared
sidebar filter, kept in the URL through url_state (pure: parsing and writing links); show draws
charts, tables and downloads; auth the optional sign-in; page_guard turns a page's error into
one sentence; routing holds the one Streamlit internal onestop relies on.

May import core and the areas (views, staffing, importing, demo, reports); never cli.
"""
