"""The `onestop` command line: main.py assembles the parser and runs a command, arguments.py
holds what several commands parse alike, and each command has its own module.

May import core and every area (demo, importing, reports, staffing); nothing imports cli.
"""
