"""views: what the analysis pages show — pure transforms of query results into tidy frames,
finding-stating titles and chart specs, one module per page (overview, throughput, timeliness,
agency_load). No Streamlit: the pages only place what these return.

May import core only.
"""
