"""The dashboard in real headless Chromium (Debian packages chromium + chromium-driver).

Run with ``pytest -m browser``; skipped when /usr/bin/chromium or /usr/bin/chromedriver is missing.
Screenshots go to artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard_seed import ADMIN, XSS_NAME, SeededLecture, append_frames

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip("needs Debian's chromium and chromium-driver", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402


def _wait(condition: Callable[[], Any], timeout: float = 30, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception:  # noqa: BLE001 - the page is still rendering
            value = None
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)), options=options
    )
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def _shot(driver: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def _download(driver: Any, suffix: str) -> Path:
    return _wait(
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
    _wait(lambda: driver.find_element(By.ID, "name"), what="login form")
    _shot(driver, "login")
    driver.find_element(By.ID, "name").send_keys(ADMIN[0])
    driver.find_element(By.ID, "password").send_keys(ADMIN[1])
    driver.find_element(By.ID, "login-submit").click()

    # Live page: the chart grows when the capture writes new frames.
    before = _wait(lambda: _mood_points(driver), what="live chart")
    assert "Mood index = P(happy)" in driver.find_element(By.ID, "mood-definition").text
    _wait(lambda: driver.find_element(By.ID, "state-present").text, what="current state")
    lecture = SeededLecture(env.session_id, env.participant_ids, raw=None)  # type: ignore[arg-type]
    with env.db.session() as s:
        append_frames(s, lecture, 240, 60)
    _wait(lambda: _mood_points(driver) > before, 30, "the live chart to pick up new frames")
    _shot(driver, "live")

    # Students page: the XSS name is text, a click on a table row opens the student.
    driver.find_element(By.ID, "nav-students").click()
    cell = _wait(
        lambda: next(
            c for c in driver.find_elements(By.CSS_SELECTOR, "#students-table td") if c.text == XSS_NAME
        ),
        what="the student table",
    )
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - an alert would mean the name ran as script
    cell.click()
    _wait(
        lambda: driver.execute_script(
            "const g = document.querySelector('#students-detail .js-plotly-plot'); return g && g.data.length === 7;"
        ),
        what="the student's probability lines",
    )
    assert XSS_NAME in driver.find_element(By.CSS_SELECTOR, "#students-detail .gtitle").text
    _wait(lambda: driver.find_element(By.CSS_SELECTOR, "#students-heatmap .heatmaplayer"), what="heatmap")
    _shot(driver, "students")

    # Reports page: the report downloads as one HTML file.
    driver.find_element(By.ID, "nav-reports").click()
    link = _wait(lambda: driver.find_element(By.ID, "report-download"), what="report")
    _wait(lambda: driver.find_element(By.CSS_SELECTOR, "#report-mood .js-plotly-plot"), what="report chart")
    _shot(driver, "reports")
    link.click()
    report = _download(driver, ".html")
    text = report.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and XSS_NAME not in text

    # Export page: CSV of the session.
    driver.find_element(By.ID, "nav-export").click()
    export_link = _wait(
        lambda: (lambda a: a if a.get_attribute("href") else None)(
            driver.find_element(By.ID, "export-session-link")
        ),
        what="export link",
    )
    _shot(driver, "export")
    export_link.click()
    csv_file = _wait(
        lambda: (lambda p: p if p.stat().st_size > 0 else None)(_download(driver, ".csv")), 60, "CSV"
    )
    lines = csv_file.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("session,session_title,frame,timestamp,student")
    assert len(lines) == 1 + 300 * 3
    # ... and for Excel: the link asks for the byte-order mark
    driver.find_element(By.CSS_SELECTOR, "#export-excel input").click()
    _wait(
        lambda: "excel=1" in (driver.find_element(By.ID, "export-session-link").get_attribute("href") or ""),
        what="Excel export link",
    )
    _shot(driver, "export-excel")

    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == [], errors

    # An error a browser meets (after the console check: the browser logs the 404 itself) is a page of the app with a way back.
    driver.get(f"{served}/download/report/999999.html")
    back = _wait(lambda: driver.find_element(By.ID, "error-back"), what="error page")
    assert "Nothing here" in driver.page_source and back.get_attribute("href").endswith("/")
    _shot(driver, "error-404")
    back.click()
    _wait(lambda: driver.find_element(By.ID, "nav-export"), what="the dashboard again")
    shutil.rmtree(driver.downloads, ignore_errors=True)
