"""web: the Streamlit layer, the only package that imports streamlit (besides pages/ and
dashboard.py). session holds the language, the store and cached queries; filter_bar the shared
sidebar filter, kept in the URL through url_state (pure: parsing and writing links); show draws
charts, tables and downloads; auth the optional sign-in; page_guard turns a page's error into
one sentence; routing holds the one Streamlit internal onestop relies on; whatif (pure, like
url_state) reads and writes the staffing what-ifs as link parameters, and staffing_ui draws the
staffing verdict, the what-if widgets and the capacity section for the overview and staffing page;
meeting the meeting pack on every page (deck and report downloads, presentation mode, downloads
made for people); widgets the inputs Streamlit shows only in English (decimal boxes, the
uploader's texts).

May import core, meeting and the areas (views, staffing, importing, demo, reports); never cli.
"""
