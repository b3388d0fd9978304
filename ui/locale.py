"""Chinese for Streamlit's own words: called once per run by app.py, before anything else is drawn.

Streamlit 1.67 has no language option: its file uploader, form hints, table toolbar, date picker,
plotly toolbar and dialogs speak English, and its date picker follows the browser's language. The
users read Chinese only. One small script, sent with st.html on every run and installed once per
browser tab, does three things in the browser:

- it reports the browser's language as zh-CN to Streamlit's widgets (the calendar's months and
  weekdays, number formats) and marks the page `lang="zh-CN"`;
- it replaces Streamlit's fixed English strings (text and the title / aria-label / placeholder /
  data-title attributes) with the Chinese of WORDS, or of PATTERNS for those with a number or a
  name in them, as they appear;
- it shows the date fields' empty parts as 年-月-日 instead of yyyy-mm-dd.

The app's own text is never touched: what st.markdown, st.html, headings, tables and inputs show
is left as it is, and only whole strings are replaced, never words inside them.
"""

from __future__ import annotations

import json

# Streamlit's fixed strings a user of this app can meet, whole (trimmed), and their Chinese.
WORDS: dict[str, str] = {
    # file uploader
    "Upload": "上传文件",
    "Browse files": "选择文件",
    "Drag and drop files here": "将文件拖到此处",
    "Drag and drop a file here": "将文件拖到此处",
    "Add files": "添加文件",
    "add icon": "添加",
    "Error:": "错误：",
    "Error uploading file": "文件上传失败",
    "Error deleting file": "文件删除失败",
    "file upload": "上传文件",
    # forms and text inputs
    "Press Enter to submit form": "按回车键提交",
    "Press Enter to apply": "按回车键确认",
    "Press Ctrl+Enter to submit form": "按 Ctrl+回车键提交",
    "Press Ctrl+Enter to apply": "按 Ctrl+回车键确认",
    "Press ⌘+Enter to submit form": "按 ⌘+回车键提交",
    "Press ⌘+Enter to apply": "按 ⌘+回车键确认",
    "Show password": "显示密码",
    "Hide password": "隐藏密码",
    "Clear entry": "清除",
    "Invalid input.": "输入无效。",
    "Increment": "增加",
    "Decrement": "减少",
    # select boxes
    "Choose an option": "请选择",
    "Choose options": "请选择",
    "No options to select": "没有可选项",
    "No results": "没有匹配项",
    "Open": "展开",
    "Clear value": "清除",
    "Clear all": "全部清除",
    "Selectbox options": "选项",
    "Multiselect options": "选项",
    "Selected values": "已选项",
    # date fields and the calendar (its months and weekdays follow the language set below)
    "Choose date": "选择日期",
    "Choose date range": "选择日期范围",
    "Clear date": "清除日期",
    "Clear dates": "清除日期",
    "Date range": "日期范围",
    "Quick select a date range": "快速选择日期范围",
    "Use arrow keys to navigate dates. Enter to select. Escape to close.": "用方向键移动日期，按回车键选定，按退出键关闭。",
    "Previous month": "上个月",
    "Next month": "下个月",
    "Previous": "上一页",
    "Next": "下一页",
    "month": "月",
    "year": "年",
    "Empty": "未填写",
    # tables: toolbar, search, column menu, visibility menu
    "Show/hide columns": "显示/隐藏列",
    "Download as CSV": "下载 CSV",
    "Search": "搜索",
    "Type to search": "输入关键字搜索",
    "Close Search": "关闭搜索",
    "Next Result": "下一个结果",
    "Previous Result": "上一个结果",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Sort ascending": "升序排列",
    "Sort descending": "降序排列",
    "Format": "格式",
    "Autosize": "自动调整列宽",
    "Pin column": "固定此列",
    "Unpin column": "取消固定",
    "Hide column": "隐藏此列",
    "Copy column name": "复制列名",
    "Dataframe column menu": "列菜单",
    "Select all": "全选",
    "Clear selection": "清除选择",
    "Automatic": "自动",
    "Localized": "本地格式",
    "Plain": "常规",
    "Compact": "紧凑",
    "Scientific": "科学计数",
    "Percent": "百分比",
    "Accounting": "会计",
    "Distance": "相对时间",
    "Calendar": "日历",
    "Statistics": "统计",
    "Values": "值的个数",
    "Distinct": "不同值个数",
    "Minimum length": "最短长度",
    "Maximum length": "最长长度",
    "Average length": "平均长度",
    "Minimum": "最小值",
    "Maximum": "最大值",
    "Average": "平均值",
    "Median": "中位数",
    "Standard deviation": "标准差",
    "Sum": "合计",
    "Count": "计数",
    "Based on sample": "基于抽样",
    "Distribution histogram": "分布直方图",
    "True/false distribution chart": "是/否分布图",
    "(index)": "（索引）",
    # a column's type, the title of the icon at the top of its menu
    "text": "文本",
    "number": "数字",
    "date": "日期",
    "datetime": "日期时间",
    "time": "时间",
    "checkbox": "勾选",
    "selectbox": "选项",
    "multiselect": "多选",
    "list": "列表",
    "link": "链接",
    "image": "图片",
    "progress": "进度",
    "json": "结构化数据",
    "object": "对象",
    "Loading...": "加载中…",
    "No data": "无数据",
    "Copied": "已复制",
    # images and charts
    "Image source failed to load": "图片加载失败",
    "Download plot as a PNG": "下载图片（PNG）",
    "Download plot": "下载图片",
    "Zoom": "缩放",
    "Pan": "平移",
    "Box Select": "框选",
    "Lasso Select": "套索选择",
    "Zoom in": "放大",
    "Zoom out": "缩小",
    "Autoscale": "自动缩放",
    "Reset axes": "重置坐标轴",
    "Reset view": "重置视图",
    "Toggle Spike Lines": "显示/隐藏辅助线",
    "Show closest data on hover": "悬停时显示最近的数据",
    "Compare data on hover": "悬停时比较数据",
    # pages, sidebar, dialogs, pagination
    "Page not found": "页面不存在",
    "The page that you have requested does not seem to exist. Running the app's main page.": "您访问的页面不存在，已为您打开首页。",
    "Skip to main content": "跳到主要内容",
    "Sidebar": "侧边栏",
    "App pages": "页面导航",
    "Collapse sidebar": "收起侧边栏",
    "Expand sidebar": "展开侧边栏",
    "Link to heading": "本节链接",
    "Main menu": "主菜单",
    "Close": "关闭",
    "Dismiss": "关闭",
    "Notifications": "通知",
    "Pagination": "分页",
    "Previous page": "上一页",
    "Next page": "下一页",
    "Download failed": "下载失败",
    # the app's state and the connection
    "Running...": "运行中…",
    "Stop": "停止",
    "Stopping...": "正在停止…",
    "Rerun": "重新运行",
    "Please wait...": "请稍候…",
    "Connecting": "正在连接",
    "Connection error": "连接中断",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:": "与服务器的连接已中断，请稍后刷新页面；如仍无法使用，请联系系统管理员。",
    "streamlit run yourscript.py": "",
    "Connection lost. Please wait for the app to reconnect, then try again.": "连接已中断，请等待重新连接后再试。",
    "Reconnected to server.": "已重新连接到服务器。",
    "Connection timed out.": "连接超时。",
    "Unable to connect to Streamlit server": "无法连接到服务器",
    "Streamlit server is not responding. Are you connected to the internet?": "服务器没有响应，请检查网络连接。",
    "Try again": "重试",
    "Retry": "重试",
}

# Strings with a number, a file name or a field label in them: (JavaScript regular expression, replacement).
PATTERNS: list[tuple[str, str]] = [
    (r"^(\d+(?:\.\d+)?\s?[KMG]?B) per file", "单个文件不超过 $1"),
    (r"^File must be (.+?) or smaller\.$", "文件不能超过 $1。"),
    # An upload the server refused (its maxUploadSize; a lost session): Streamlit shows the HTTP client's words.
    (r"^AxiosError: Request failed with status code 413$", "文件超过服务器允许的大小。"),
    (r"^AxiosError: .*$", "文件上传失败，请重试。"),
    (r"^Remove (.+)$", "删除 $1"),
    (r"^Page (\d+)$", "第 $1 页"),
    (r"^year, ", "年，"),
    (r"^month, ", "月，"),
    (r"^day, ", "日，"),
    (r"^Choose date range, ", "选择日期范围，"),
    (r"^Choose date, ", "选择日期，"),
    (r"^Today, ", "今天，"),
    (r"^Top values frequency chart: ", "最常见的值："),
    (r"^Fullscreen: ", "全屏查看："),
    (r"^Close fullscreen: ", "退出全屏："),
]

# The empty parts of a date field (format YYYY-MM-DD), by react-aria's data-type.
DATE_PLACEHOLDERS = {"year": "年", "month": "月", "day": "日"}

LANGUAGE = "zh-CN"

# The Latin words a Chinese screen may still show: names of file formats, text encodings, units and keys.
LATIN_ALLOWED = frozenset({"PDF", "JPG", "JPEG", "PNG", "CSV", "XLSX", "UTF", "GBK", "MB", "KB", "CTRL", "EXCEL"})

# Where the app's own text is shown: never translated (a name or a value may be an English word).
OWN_TEXT = (
    "[data-testid=stMarkdown], [data-testid=stHeading], [data-testid=stText], [data-testid=stCode],"
    " [data-testid=stTable], [data-testid=stHtml], [data-testid=stDataFrame] table[role=grid]"
)

_SCRIPT = """
(() => {
  if (window.__zhLocale) return;
  window.__zhLocale = true;
  const C = __CONFIG__;
  // The language Streamlit's widgets read (the calendar, number formats), whatever the browser's.
  for (const [name, value] of [['language', C.language], ['languages', [C.language]]]) {
    try { Object.defineProperty(navigator, name, {get: () => value, configurable: true}); } catch (e) {}
  }
  window[Symbol.for('react-aria.i18n.locale')] = C.language;
  document.documentElement.lang = C.language;
  window.dispatchEvent(new Event('languagechange'));

  const patterns = C.patterns.map(([source, replacement]) => [new RegExp(source), replacement]);
  const ATTRS = ['title', 'aria-label', 'placeholder', 'data-title', 'aria-valuetext'];
  const SELECT = ATTRS.map(a => '[' + a + ']').join(',');
  const chinese = (s) => {
    const t = s.trim();
    if (!t || !/[A-Za-z]/.test(t)) return null;
    if (Object.prototype.hasOwnProperty.call(C.words, t)) return s.replace(t, C.words[t]);
    for (const [re, to] of patterns) if (re.test(t)) return s.replace(t, t.replace(re, to));
    return null;
  };
  const own = (el) => !el || !!el.closest(C.ownText);
  const text = (node) => {
    const el = node.parentElement;
    if (!el || el.closest('script, style')) return;
    const part = el.closest('[role=spinbutton][data-placeholder=true]');
    if (part && C.dates[part.dataset.type]) {
      if (node.data !== C.dates[part.dataset.type]) node.data = C.dates[part.dataset.type];
      return;
    }
    if (own(el)) return;
    const to = chinese(node.data);
    if (to !== null && to !== node.data) node.data = to;
  };
  const attribute = (el, name) => {
    const value = el.getAttribute(name);
    if (value === null) return;
    const to = chinese(value);
    if (to !== null && to !== value) el.setAttribute(name, to);
  };
  const element = (root) => {
    for (const el of [root, ...root.querySelectorAll(SELECT)]) {
      if (el.matches && el.matches(SELECT)) for (const a of ATTRS) attribute(el, a);
    }
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) text(n);
  };
  const observer = new MutationObserver((records) => {
    let reactAria = false;
    for (const r of records) {
      if (r.type === 'characterData') text(r.target);
      else if (r.type === 'attributes') attribute(r.target, r.attributeName);
      else for (const n of r.addedNodes) {
        if (n.nodeType === Node.TEXT_NODE) text(n);
        else if (n.nodeType === Node.ELEMENT_NODE) {
          element(n);
          reactAria = reactAria || n.matches('[data-rac]') || !!n.querySelector('[data-rac]');
        }
      }
    }
    // react-aria reads the language when its first widget mounts: tell the new ones.
    if (reactAria && !window.__zhLocaleTold) {
      window.__zhLocaleTold = true;
      window.dispatchEvent(new Event('languagechange'));
    }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRS});
  element(document.body);
})();
"""


def _script() -> str:
    config = {
        "language": LANGUAGE,
        "words": WORDS,
        "patterns": PATTERNS,
        "dates": DATE_PLACEHOLDERS,
        "ownText": OWN_TEXT,
    }
    # "</" never appears inside the JSON, so the script element cannot be closed early.
    return _SCRIPT.replace("__CONFIG__", json.dumps(config, ensure_ascii=False).replace("</", "<\\/"))


class ConstantHtml(str):
    """HTML that st.html sends as it is: Streamlit dedents a plain string on every call (0.2 ms
    for this 8 kB script, more than everything else about the element), but takes an object's
    _repr_html_ unchanged. The text is built once, at import."""

    def _repr_html_(self) -> str:
        return str(self)


# Streamlit's own words in Chinese (see the module's docstring), drawn by ui.layout.apply_layout in the
# frame's one element. Constant: the element is the same on every run, so the browser keeps it; it takes no space.
ELEMENT = ConstantHtml(
    "<style>[data-testid=stElementContainer]:has(> [data-testid=stHtml] [data-zh-locale]){display:none}</style>"
    f"<span data-zh-locale></span><script>{_script()}</script>"
)
