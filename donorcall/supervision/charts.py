"""Bar charts as inline SVG, drawn on the server: no JavaScript library, no CDN, nothing to
download (DESIGN.md: every asset is served by the app), and they print and export as they are."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 180
BAR_WIDTH = 420
VALUE_WIDTH = 90
MAX_BARS = 40  # a longer table is read as a table; the chart shows its first rows


def bar_chart(title: str, bars: list[tuple[str, float, str]]) -> SafeString:
    """Horizontal bars: (label, value, value as shown). Labels are escaped (agent and
    campaign names are typed by people)."""
    bars = bars[:MAX_BARS]
    if not bars:
        return SafeString("")
    top = max(value for _, value, _ in bars) or 1.0
    height = len(bars) * (BAR_HEIGHT + GAP)
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    rows = format_html_join("", "{}", ((bar(i, *item, top),) for i, item in enumerate(bars)))
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
        'style="max-width:{}px" xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        title, width, height, width, title, rows,
    )  # fmt: skip


def bar(index: int, label: str, value: float, shown: str, top: float) -> SafeString:
    y = index * (BAR_HEIGHT + GAP)
    length = round(BAR_WIDTH * max(value, 0) / top, 1)
    middle = y + BAR_HEIGHT / 2 + 4
    return format_html(
        '<g><text x="{}" y="{}" text-anchor="end" font-size="12" fill="currentColor">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="#2f6fb3"></rect>'
        '<text x="{}" y="{}" font-size="12" fill="currentColor">{}</text></g>',
        LABEL_WIDTH - 8, middle, label[:28],
        LABEL_WIDTH, y, length, BAR_HEIGHT,
        LABEL_WIDTH + length + 6, middle, shown,
    )  # fmt: skip
