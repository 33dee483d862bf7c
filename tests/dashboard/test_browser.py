"""The dashboard in real headless Chromium (Debian packages chromium + chromium-driver).

Run with ``pytest -m browser``; skipped when /usr/bin/chromium or /usr/bin/chromedriver is missing.
Screenshots go to artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chromium import SCREENSHOTS, chrome, installed, wait

from dashboard_seed import ADMIN, XSS_NAME, SeededLecture, append_frames

pytestmark = pytest.mark.browser

if not installed():
    pytest.skip("needs Debian's chromium and chromium-driver", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[Any]:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with chrome(tmp_path / "profile", (1400, 1000), downloads) as driver:
        driver.downloads = downloads
        yield driver


def _shot(driver: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def _download(driver: Any, suffix: str) -> Path:
    return wait(
        lambda: next((p for p in driver.downloads.glob(f"*{suffix}")), None), 60, f"a {suffix} download"
    )


def _mood_points(driver: Any) -> int:
    return driver.execute_script(
        "const g = document.querySelector('#live-mood .js-plotly-plot');"
        "return g && g.data && g.data.length === 8 ? g.data[7].x.length : 0;"
    )


def test_dashboard_in_chromium(browser: Any, served: str, dashboard_env, tmp_path: Path) -> None:
    driver = browser
    env = dashboard_env
    driver.get(f"{served}/")
    wait(lambda: driver.find_element(By.ID, "name"), what="login form")
    _shot(driver, "login")
    driver.find_element(By.ID, "name").send_keys(ADMIN[0])
    driver.find_element(By.ID, "password").send_keys(ADMIN[1])
    driver.find_element(By.ID, "login-submit").click()

    # Live page: the chart grows when the capture writes new frames.
    before = wait(lambda: _mood_points(driver), what="live chart")
    assert "Mood index = P(happy)" in driver.find_element(By.ID, "mood-definition").text
    wait(lambda: driver.find_element(By.ID, "state-present").text, what="current state")
    lecture = SeededLecture(env.session_id, env.participant_ids, raw=None)  # type: ignore[arg-type]
    with env.db.session() as s:
        append_frames(s, lecture, 240, 60)
    wait(lambda: _mood_points(driver) > before, 30, "the live chart to pick up new frames")
    _shot(driver, "live")

    # Students page: the XSS name is text, a click on a table row opens the student.
    driver.find_element(By.ID, "nav-students").click()
    cell = wait(
        lambda: next(
            c for c in driver.find_elements(By.CSS_SELECTOR, "#students-table td") if c.text == XSS_NAME
        ),
        what="the student table",
    )
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - an alert would mean the name ran as script
    cell.click()
    wait(
        lambda: driver.execute_script(
            "const g = document.querySelector('#students-detail .js-plotly-plot'); return g && g.data.length === 7;"
        ),
        what="the student's probability lines",
    )
    assert XSS_NAME in driver.find_element(By.CSS_SELECTOR, "#students-detail .gtitle").text
    wait(lambda: driver.find_element(By.CSS_SELECTOR, "#students-heatmap .heatmaplayer"), what="heatmap")
    _shot(driver, "students")

    # Reports page: the report downloads as one HTML file.
    driver.find_element(By.ID, "nav-reports").click()
    link = wait(lambda: driver.find_element(By.ID, "report-download"), what="report")
    wait(lambda: driver.find_element(By.CSS_SELECTOR, "#report-mood .js-plotly-plot"), what="report chart")
    _shot(driver, "reports")
    link.click()
    report = _download(driver, ".html")
    text = report.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and XSS_NAME not in text

    # Export page: CSV of the session.
    driver.find_element(By.ID, "nav-export").click()
    export_link = wait(
        lambda: (lambda a: a if a.get_attribute("href") else None)(
            driver.find_element(By.ID, "export-session-link")
        ),
        what="export link",
    )
    _shot(driver, "export")
    export_link.click()
    csv_file = wait(
        lambda: (lambda p: p if p.stat().st_size > 0 else None)(_download(driver, ".csv")), 60, "CSV"
    )
    lines = csv_file.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("session,session_title,frame,timestamp,student")
    assert len(lines) == 1 + 300 * 3
    # ... and for Excel: the link asks for the byte-order mark
    driver.find_element(By.CSS_SELECTOR, "#export-excel input").click()
    wait(
        lambda: "excel=1" in (driver.find_element(By.ID, "export-session-link").get_attribute("href") or ""),
        what="Excel export link",
    )
    _shot(driver, "export-excel")

    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == [], errors

    # An error a browser meets (after the console check: the browser logs the 404 itself) is a page of the app with a way back.
    driver.get(f"{served}/download/report/999999.html")
    back = wait(lambda: driver.find_element(By.ID, "error-back"), what="error page")
    assert "Nothing here" in driver.page_source and back.get_attribute("href").endswith("/")
    _shot(driver, "error-404")
    back.click()
    wait(lambda: driver.find_element(By.ID, "nav-export"), what="the dashboard again")
    shutil.rmtree(driver.downloads, ignore_errors=True)


LOOK_WIDTHS = (1024, 1366, 1920)
# Every text plotly drew (tick labels, axis and colour bar titles, legend items, annotations, titles)
# with its box; hover labels and the mode bar are left out (they come and go with the pointer).
_CHART_TEXTS = """
return Array.from(document.querySelectorAll('.js-plotly-plot')).map(plot => {
  const box = plot.getBoundingClientRect();
  const texts = Array.from(plot.querySelectorAll('svg.main-svg text'))
    .filter(t => !t.closest('.hoverlayer') && t.textContent.trim() && t.getBBox().width > 0)
    .map(t => {
      const r = t.getBoundingClientRect();
      return {text: t.textContent, cls: t.getAttribute('class') || t.parentNode.getAttribute('class') || '',
              left: r.left, right: r.right, top: r.top, bottom: r.bottom,
              font: getComputedStyle(t).fontFamily};
    });
  return {id: plot.parentNode.id || plot.id, width: box.width, left: box.left, right: box.right,
          top: box.top, bottom: box.bottom, texts: texts, data: plot.data || []};
});
"""


def _box(text: dict[str, Any]) -> str:
    return f"{text['text']!r} [{text['left']:.0f}-{text['right']:.0f}] x [{text['top']:.0f}-{text['bottom']:.0f}]"


def _overlaps(texts: list[dict[str, Any]], tolerance: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of chart texts whose boxes overlap by more than ``tolerance`` px each way."""
    found = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            dx = min(a["right"], b["right"]) - max(a["left"], b["left"])
            dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if dx > tolerance and dy > tolerance:
                found.append((_box(a), _box(b)))
    return found


def _check_look(driver: Any, name: str, charts: int, tables: bool) -> str:
    """One font, the one palette and no overlapping chart text at each width; returns the page's text."""
    from dashboard.look import EMOTION_COLORS

    body_font = driver.execute_script("return getComputedStyle(document.body).fontFamily")
    assert "monospace" not in body_font
    for width in LOOK_WIDTHS:
        driver.set_window_size(width, 1000)

        def settled() -> list[dict[str, Any]] | None:
            plots = driver.execute_script(_CHART_TEXTS)
            inner = driver.execute_script("return document.documentElement.clientWidth")
            ready = len(plots) == charts and all(p["texts"] for p in plots)
            return plots if ready and all(p["right"] <= inner + 1 for p in plots) else None

        wait(settled, what=f"{charts} charts at {width} px")
        time.sleep(0.6)  # plotly relayouts once more after a resize
        plots = settled()
        assert plots is not None
        _shot(driver, f"look-{name}-{width}")
        if tables:
            driver.execute_script("document.querySelector('td').scrollIntoView({block: 'center'})")
            _shot(driver, f"look-{name}-{width}-table")
            driver.execute_script("window.scrollTo(0, 0)")
        for plot in plots:
            where = f"{name} {plot['id']} at {width} px"
            assert _overlaps(plot["texts"]) == [], where
            outside = [
                t["text"]
                for t in plot["texts"]
                if t["left"] < plot["left"] - 1
                or t["right"] > plot["right"] + 1
                or t["top"] < plot["top"] - 1
            ]
            assert outside == [], where
            assert {t["font"] for t in plot["texts"]} == {body_font}, where
            for trace in plot["data"]:
                if trace.get("name") in EMOTION_COLORS:
                    color = EMOTION_COLORS[trace["name"]]
                    assert trace["line"]["color"] == color, where
                    assert trace.get("fillcolor", color) == color, where
    fonts = driver.execute_script(
        "return Array.from(document.querySelectorAll('td, th, .dash-table-container input,"
        " .dash-table-container .page-number')).map(e => getComputedStyle(e).fontFamily)"
    )
    assert set(fonts) == ({body_font} if tables else set()), fonts
    texts = driver.execute_script(
        "return [document.body.innerText,"
        " ...Array.from(document.querySelectorAll('svg text')).map(t => t.textContent)].join('\\n')"
    )
    driver.set_window_size(1400, 1000)
    return texts


# an ASCII hyphen used as a minus sign (not inside a date or a name)
_ASCII_MINUS = re.compile(r"(?<![\w-])-\d")


def test_one_look_in_chromium(browser: Any, served: str, dashboard_env) -> None:  # type: ignore[no-untyped-def]
    from dashboard.look import MINUS

    driver = browser
    driver.get(f"{served}/")
    wait(lambda: driver.find_element(By.ID, "name"), what="login form")
    driver.find_element(By.ID, "name").send_keys(ADMIN[0])
    driver.find_element(By.ID, "password").send_keys(ADMIN[1])
    driver.find_element(By.ID, "login-submit").click()
    wait(lambda: driver.find_element(By.ID, "state-present").text, what="live page")
    texts = [_check_look(driver, "live", 1, tables=False)]

    student = dashboard_env.participant_ids["Ana"]
    driver.get(f"{served}/students?session={dashboard_env.session_id}&student={student}")
    wait(lambda: driver.find_elements(By.CSS_SELECTOR, "#students-table td"), what="the student table")
    texts.append(_check_look(driver, "students", 2, tables=True))

    driver.get(f"{served}/reports")
    wait(lambda: driver.find_elements(By.CSS_SELECTOR, "#report-students-table td"), what="the report")
    texts.append(_check_look(driver, "reports", 1, tables=True))

    # the downloadable report, opened from a file as a teacher would
    import requests

    cookies = {c["name"]: c["value"] for c in driver.get_cookies()}
    page = requests.get(
        f"{served}/download/report/{dashboard_env.session_id}.html", cookies=cookies, timeout=60
    )
    assert page.ok
    report = driver.downloads / "report.html"
    report.write_text(page.text, encoding="utf-8")
    driver.get(report.as_uri())
    texts.append(_check_look(driver, "report-download", 2, tables=True))

    shown = "\n".join(texts)
    assert MINUS in shown and _ASCII_MINUS.findall(shown) == []
