"""数据导入 (系统管理): the registry from files. Choose the kind, download its template, upload, read the
preview (new / changed / unchanged / refused, every refusal with its row and column), download the error
report, then 【确认导入】. The preview is kept for the uploaded file until it is loaded or replaced; the
file itself is dropped once loaded."""

import streamlit as st

import ui
from services.kernel.actor import MINISTRY
from services.kernel.vocabulary import Duty
from services.registry import imports

actor = ui.require_actor(MINISTRY)
PREVIEW = "imp_preview"  # ((kind, file id), preview): kept across reruns until loaded or replaced
SHOWN = 2000  # refusals listed on screen; the error report has them all

st.header("数据导入")
if not actor.may(Duty.admin):  # the services refuse too; this spares a user the upload
    st.error("无权进行此操作：数据导入需要系统管理职责")
    st.stop()
st.caption(
    "导入顺序：企业 → 人员 → 资格证书 → 注册 → 继续教育 → 行政处罚（后者引用前者）。导入只新增和修改，不删除任何数据。"
)
kind = st.selectbox("导入类型", list(imports.KIND_LABELS), format_func=imports.KIND_LABELS.get, key="imp_kind")
label = imports.KIND_LABELS[kind]
st.download_button(
    "下载模板",
    data=ui.on_download(imports.get_import_template, kind=kind),
    file_name=f"{label}导入模板.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    key="imp_template",
    on_click="ignore",
)
generation = st.session_state.get("imp_generation", 0)  # a new uploader after a load: the file is not kept
upload = st.file_uploader(
    "选择文件（.xlsx 或 .csv，CSV 可为 UTF-8 或 GBK 编码）",
    type=["xlsx", "csv"],
    key=f"imp_file_{kind}_{generation}",
    max_upload_size=ui.IMPORT_MB,
)
all_or_nothing = st.checkbox("全部或全不：有一行被拒绝就不导入任何数据", key="imp_all")


def _progress(text: str):
    box = st.empty()
    done = [0]

    def step(n: int) -> None:
        done[0] += n
        box.caption(ui.md_escape(f"{text}：已处理 {done[0]} 行"))

    return step, box


if upload is None:
    st.session_state.pop(PREVIEW, None)
    st.stop()

signature = (kind, upload.file_id)
kept = st.session_state.get(PREVIEW)
if kept is None or kept[0] != signature:
    step, box = _progress("正在检查")
    result = ui.call(imports.preview_import, kind=kind, data=upload.getvalue(), file_name=upload.name, progress=step)
    box.empty()
    if result is None:
        st.session_state.pop(PREVIEW, None)
        st.stop()
    st.session_state[PREVIEW] = (signature, result)
preview = st.session_state[PREVIEW][1]

st.subheader("检查结果")
c1, c2, c3, c4 = st.columns(4)
c1.metric("新增", preview.new)
c2.metric("修改", preview.changed)
c3.metric("未变", preview.unchanged)
c4.metric("拒绝", preview.refused)
if preview.refused:
    st.warning(
        f"有 {ui.md_escape(str(preview.refused))} 行被拒绝：修改后可再次导入；其余各行不受影响（除非选择“全部或全不”）。"
    )
    refusals = imports.refusals_frame(preview)
    if len(refusals) > SHOWN:
        st.caption(ui.md_escape(f"仅显示前 {SHOWN} 条错误说明，全部见错误报告"))
    ui.list_table(refusals.head(SHOWN), key=None, selectable=False)
    st.download_button(
        "下载错误报告",
        data=lambda: imports.import_error_report(preview),
        file_name=f"{label}导入错误报告.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="imp_report",
        on_click="ignore",
    )
else:
    st.success("全部行检查通过")

blocked = all_or_nothing and preview.refused > 0
if blocked:
    st.info("已选择“全部或全不”：有被拒绝的行，不能导入")
nothing = preview.new + preview.changed == 0
if nothing and not preview.refused:
    st.info("文件中的数据与系统中的一致，无需导入")


def _done(result) -> str:
    if not result.loaded:
        return f"有 {result.refused} 行被拒绝，按“全部或全不”未导入任何数据"
    return f"导入完成：新增 {result.new} 行，修改 {result.changed} 行，未变 {result.unchanged} 行，拒绝 {result.refused} 行"


def _forget(_result) -> None:
    st.session_state.pop(PREVIEW, None)
    st.session_state["imp_generation"] = generation + 1


if st.button("确认导入", type="primary", disabled=blocked or nothing, key="imp_confirm"):
    step, box = _progress("正在导入")
    ui.act(
        imports.load_import,
        kind=kind,
        data=upload.getvalue(),
        file_name=upload.name,
        all_or_nothing=all_or_nothing,
        progress=step,
        success=_done,
        then=_forget,
    )
