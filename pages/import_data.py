"""Nhập dữ liệu / Import: upload an export, preview its columns and rows, map values the importer
does not know, check, then confirm."""

import hashlib
import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from onestop import importing
from onestop.core import db, i18n
from onestop.core.text import markdown_literal
from onestop.web import auth, session, show

lang = session.language()
st.title(i18n.t("import.page.title", lang))
st.caption(i18n.t("import.page.intro", lang))
if not auth.may_import():
    st.warning(i18n.t("import.page.not_allowed", lang))
    st.stop()

upload = st.file_uploader(
    i18n.t("import.page.upload", lang), type=["csv", "xlsx"], key="import_upload"
)
mapping_upload = st.file_uploader(
    i18n.t("import.page.mapping_upload", lang), type=["toml", "json"], key="import_mapping"
)
if upload is None:
    st.stop()


def chosen_codes(unknown: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """A select box per unknown value (its row count beside it); the codes the user chose."""
    chosen: dict[str, dict[str, int]] = {}
    for kind, values in unknown.items():
        kind_name = i18n.t(f"import.page.kind_{kind}", lang)
        codes = range(1, importing.LARGEST_CODE[kind] + 1)
        for value, rows in values.items():
            digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]
            code = st.selectbox(
                # Labels are Markdown: a value from the file is shown, never interpreted.
                i18n.t(
                    "import.page.map_value",
                    lang,
                    kind=kind_name,
                    value=markdown_literal(value),
                    rows=i18n.format_int(rows, lang),
                ),
                [None, *codes],
                format_func=lambda code, kind=kind: (
                    i18n.t("import.page.keep_rejected", lang)
                    if code is None
                    else f"{code} — {i18n.t(f'import.{kind}.{code}', lang)}"
                ),
                key=f"import_map_{kind}_{digest}",
            )
            if code is not None:
                chosen.setdefault(kind, {})[value] = code
    return chosen


def unknown_table(unknown: dict[str, dict[str, int]]) -> pl.DataFrame:
    """The unknown values as data (a table shows them as text, whatever they hold)."""
    rows = [
        (i18n.t(f"import.page.kind_{kind}", lang), value, count)
        for kind, values in unknown.items()
        for value, count in values.items()
    ]
    names = ("unknown_kind", "unknown_value", "unknown_rows")
    schema = dict.fromkeys((i18n.t(f"import.page.{name}", lang) for name in names), pl.String)
    schema[i18n.t("import.page.unknown_rows", lang)] = pl.Int64
    return pl.DataFrame(rows, schema=schema, orient="row")


# Uploaded files go to fixed names in a private folder: an upload's name is never a path.
with tempfile.TemporaryDirectory(prefix="onestop-upload-") as folder:
    saved = Path(folder) / f"export{Path(upload.name).suffix.lower()}"
    saved.write_bytes(upload.getvalue())
    shown_paths = {str(saved): upload.name}
    mapping_path = None
    if mapping_upload is not None:
        mapping_path = Path(folder) / f"mapping{Path(mapping_upload.name).suffix.lower()}"
        mapping_path.write_bytes(mapping_upload.getvalue())
        shown_paths[str(mapping_path)] = mapping_upload.name
    try:
        aliases = importing.load_aliases(mapping_path)
        export = importing.read_export(saved, aliases)
    except importing.ImportFileError as error:
        # File names and library messages are the file's text: escaped, never Markdown.
        st.error(error.message(lang, literal=markdown_literal, paths=shown_paths))
        st.stop()
export.source = upload.name
unknown = {
    kind: values
    for kind, values in importing.prepare(export, aliases).unknown_values.items()
    if values
}

st.subheader(i18n.t("import.page.mapping", lang))
roles = {
    role: i18n.t(f"import.page.role_{role}", lang) for role in ("field", "personal", "ignored")
}
st.dataframe(
    export.mapping.with_columns(
        pl.col("role").replace_strict(roles), pl.col("field").fill_null("—")
    ).rename({name: i18n.t(f"import.page.{name}", lang) for name in ("header", "field", "role")}),
    hide_index=True,
)

chosen: dict[str, dict[str, int]] = {}
if unknown:
    st.subheader(i18n.t("import.page.unknown_title", lang))
    st.caption(i18n.t("import.page.unknown_intro", lang))
    st.dataframe(unknown_table(unknown), hide_index=True)
    chosen = chosen_codes(unknown)
    if chosen:
        st.download_button(
            i18n.t("import.page.mapping_download", lang),
            importing.mapping_toml(chosen).encode("utf-8"),
            file_name="onestop_mapping.toml",
            mime="application/toml",
            key="import_mapping_download",
            icon=":material/download:",
        )
prepared = importing.prepare(export, aliases.with_values(chosen))

st.subheader(i18n.t("import.page.preview", lang))
# Empty cells read as empty, not as "None".
st.dataframe(prepared.preview.fill_null(""), hide_index=True)
for key, count in (
    ("codes_normalised", prepared.codes_normalised),
    ("blank_rows", prepared.blank_rows),
):
    if count:
        st.caption(i18n.t(f"import.page.{key}", lang, count=i18n.format_int(count, lang)))

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
    shown = prepared.rejects.select("row", pl.col("column", "value").fill_null("—"), reason).rename(
        {name: i18n.t(f"import.page.rejects_{name}", lang) for name in ("row", "column", "value")}
        | {reason: i18n.t("import.page.rejects_reason", lang)}
    )
    st.dataframe(shown, hide_index=True)
    # show.downloads keeps a cell such as =HYPERLINK(...) text in both the CSV and the XLSX.
    show.downloads(prepared.rejects, f"{Path(upload.name).stem}.rejects", lang)

if st.button(i18n.t("import.page.confirm", lang), type="primary", key="import_confirm"):
    try:
        summaries, demo_removed = importing.apply_exports(db.resolve_db_path(), [prepared])
        summary = summaries[0]
    except (db.DatabaseError, OSError) as error:
        # The swap never happened, so the previous file is still the one being served.
        detail = markdown_literal(" ".join(str(error).split()))
        st.error(i18n.t("import.error.apply_failed", lang, detail=detail))
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
