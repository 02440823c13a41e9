"""core: what every other layer stands on — the database (db, the only module that opens DuckDB),
the domain's code tables (codes), and the plain tools: text safety, UI strings, charts, files.

Core modules import only each other and third-party libraries (never streamlit); every other
package may import them.
"""
