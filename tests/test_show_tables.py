"""Tables as people read them: a missing figure is a dash, never Streamlit's "None"."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _table_with_gaps() -> None:
    import polars as pl

    from onestop.web import show

    frame = pl.DataFrame(
        {
            "name": ["Sở Tư pháp", None],
            "waits": [12.345, None],
            "share": [0.5, None],
            "count": [1700, 3],
        }
    )
    labels = {"name": "Cơ quan", "waits": "Chờ", "share": "Tỷ lệ", "count": "Số hồ sơ"}
    show.show_table(frame, "gaps", "vi", labels, shares=("share",), decimals={"waits": 1})


def test_missing_figures_are_shown_as_a_dash() -> None:
    app = AppTest.from_function(_table_with_gaps, default_timeout=120).run()
    assert not app.exception, app.exception
    shown = app.dataframe[0].value
    assert shown["waits"].tolist() == ["12,3", "—"]
    assert shown["share"].tolist() == ["50,0%", "—"]
    assert shown["name"].tolist() == ["Sở Tư pháp", "—"]
    assert shown["count"].tolist() == [1700, 3]  # no gap: still a number, sorted as one
