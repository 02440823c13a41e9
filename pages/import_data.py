"""Nhập dữ liệu / Import: upload an export, preview its columns and rows, check, then confirm."""

import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from onestop import db, i18n, importer, ui

lang = ui.language()
st.title(i18n.t("import.page.title", lang))
st.caption(i18n.t("import.page.intro", lang))
if not ui.may_import():
    st.warning(i18n.t("import.page.not_allowed", lang))
    st.stop()

upload = st.file_uploader(
    i18n.t("import.page.upload", lang), type=["csv", "xlsx"], key="import_upload"
)
if upload is None:
    st.stop()

source = Path(upload.name)
with tempfile.TemporaryDirectory(prefix="onestop-upload-") as folder:
    saved = Path(folder) / source.name
    saved.write_bytes(upload.getvalue())
    try:
        prepared = importer.load_export(saved, importer.load_aliases())
    except importer.ImportFileError as error:
        st.error(error.message(lang).replace(str(saved), source.name))
        st.stop()
prepared.source = source.name
prepared.rejects = prepared.rejects.with_columns(file=pl.lit(source.name))

st.subheader(i18n.t("import.page.mapping", lang))
roles = {
    role: i18n.t(f"import.page.role_{role}", lang) for role in ("field", "personal", "ignored")
}
st.dataframe(
    prepared.mapping.with_columns(
        pl.col("role").replace_strict(roles), pl.col("field").fill_null("—")
    ).rename({name: i18n.t(f"import.page.{name}", lang) for name in ("header", "field", "role")}),
    hide_index=True,
)
st.subheader(i18n.t("import.page.preview", lang))
st.dataframe(prepared.preview, hide_index=True)

st.subheader(i18n.t("import.page.validation", lang))
read, valid, rejected = st.columns(3)
read.metric(i18n.t("import.page.rows_read", lang), i18n.format_int(prepared.rows_read, lang))
valid.metric(i18n.t("import.page.rows_valid", lang), i18n.format_int(prepared.valid.height, lang))
rejected.metric(
    i18n.t("import.page.rows_rejected", lang), i18n.format_int(prepared.rejects.height, lang)
)
if prepared.rejects.height:
    st.caption(i18n.t("import.page.rejects", lang))
    reason = f"reason_{lang}"
    shown = prepared.rejects.select("row", "column", "value", reason).rename(
        {name: i18n.t(f"import.page.rejects_{name}", lang) for name in ("row", "column", "value")}
        | {reason: i18n.t("import.page.rejects_reason", lang)}
    )
    st.dataframe(shown, hide_index=True)
    ui.downloads(prepared.rejects, f"{source.stem}.rejects", lang)

if st.button(i18n.t("import.page.confirm", lang), type="primary", key="import_confirm"):
    try:
        summaries, demo_removed = importer.apply_exports(db.resolve_db_path(), [prepared])
        summary = summaries[0]
    except (db.DatabaseError, OSError) as error:
        # The swap never happened, so the previous file is still the one being served.
        st.error(i18n.t("import.error.apply_failed", lang, detail=error))
        st.stop()
    if demo_removed:
        count = i18n.format_int(demo_removed, lang)
        st.info(i18n.t("import.page.demo_removed", lang, count=count))
    st.success(
        i18n.t(
            "import.page.done",
            lang,
            **{
                key: i18n.format_int(getattr(summary, key), lang)
                for key in ("inserted", "updated", "unchanged", "rejected")
            },
        )
    )
