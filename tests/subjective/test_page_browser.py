"""The rating page in a real headless Chromium: a full session, resume, export, ingestion; caption safety."""
from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import pytest

from audiodear.subjective.bundle import build_bundle
from audiodear.subjective.ingest import ingest
from audiodear.subjective.stats import mos_table

from listening_helpers import SYSTEM_NAMES, make_config, make_sources, read_json

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--autoplay-policy=no-user-gesture-required", "--mute-audio"]
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason=f"{CHROMIUM} not installed (run .ci/install-browser.sh)")]
# What each simulated rater answers per system: (REL, OVL).
ANSWERS = {
    "alice": {SYSTEM_NAMES[0]: (5, 4), SYSTEM_NAMES[1]: (3, 2), SYSTEM_NAMES[2]: (1, 2)},
    "bob": {SYSTEM_NAMES[0]: (4, 4), SYSTEM_NAMES[1]: (3, 3), SYSTEM_NAMES[2]: (2, 1)},
}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def make_bundle(root: Path, captions: dict | None = None) -> tuple[Path, dict]:
    sources, caps, kinds = make_sources(root / "systems", n_clips=2, seconds=0.45)
    build_bundle(root / "bundle", sources, captions or caps, make_config(clips_per_system=2), kinds, sample_rate=16000)
    return root / "bundle", read_json(root / "bundle" / "key.json")


def current_id(page) -> str:
    return Path(page.get_attribute("#player", "src")).stem


def rate_current(page, key: dict, rater: str) -> str:
    """Listen to the end, check the ratings were locked until then, answer, go on; returns the blinded id."""
    bid = current_id(page)
    assert page.is_disabled("#rel-1") and page.is_disabled("#next-button")
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_selector("#rel-1:enabled", timeout=15000)
    truth = key["trials"][bid]
    if truth["attention_check"]:
        want = key["attention_checks"][bid]["expected"]
        rel, ovl = want["rel"], want["ovl"]
    else:
        rel, ovl = ANSWERS[rater][truth["system"]]
    page.check(f"#rel-{rel}")
    assert page.is_disabled("#next-button")  # both scales are needed
    page.check(f"#ovl-{ovl}")
    page.click("#next-button")
    return bid


def start(page, url: str, rater: str) -> None:
    page.goto(url)
    page.fill("#rater-id", rater)
    page.click("#start-button")


def run_session(browser, url: str, key: dict, rater: str, out: Path, reload_after: int | None = None) -> list[str]:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    start(page, url, rater)
    total = len(key["trials"])
    seen = []
    for i in range(total):
        if reload_after is not None and i == reload_after:
            page.reload()
            start(page, url, rater)  # resumes where it stopped
        assert page.text_content("#trial-heading").split() == ["Trial", str(i + 1), "of", str(total)]
        seen.append(rate_current(page, key, rater))
    page.wait_for_selector("#screen-done:visible")
    with page.expect_download() as info:
        page.click("#download-button")
    download = info.value
    assert download.suggested_filename == f"ratings_{key['bundle_id']}_{rater}.json"
    download.save_as(out / download.suggested_filename)
    # The order is reproducible: starting again with the same name shows the finished session.
    start(page, url, rater)
    assert page.is_visible("#screen-done")
    context.close()
    assert not errors, errors
    return seen


def test_full_session_export_and_mos(browser, tmp_path):
    bundle, key = make_bundle(tmp_path)
    url = (bundle / "raters" / "index.html").resolve().as_uri()  # a plain folder, file://
    returned = tmp_path / "returned"
    returned.mkdir()
    order_alice = run_session(browser, url, key, "alice", returned, reload_after=3)
    order_bob = run_session(browser, url, key, "bob", returned)
    assert sorted(order_alice) == sorted(order_bob) == sorted(key["trials"])
    assert order_alice != order_bob  # randomised per rater

    export = read_json(returned / f"ratings_{key['bundle_id']}_alice.json")
    assert export["rater_id"] == "alice" and export["complete"] and export["bundle_id"] == key["bundle_id"]
    assert [t["blinded_id"] for t in export["trials"]] == order_alice
    assert all(t["play_count"] >= 1 for t in export["trials"])
    assert {t["blinded_id"] for t in export["trials"] if t["attention_check"]} == set(key["attention_checks"])
    assert export["started_at"] <= export["finished_at"] <= export["exported_at"]

    got = ingest(returned, key)
    assert got.problems.empty and sorted(got.included) == ["alice", "bob"]
    mos = mos_table(got.ratings, key["systems"]).set_index("system")
    for system in SYSTEM_NAMES:
        row = mos.loc[system]
        assert row.n_ratings == 4 and row.n_raters == 2 and row.n_clips == 2
        assert row.rel_mean == pytest.approx((ANSWERS["alice"][system][0] + ANSWERS["bob"][system][0]) / 2)
        assert row.ovl_mean == pytest.approx((ANSWERS["alice"][system][1] + ANSWERS["bob"][system][1]) / 2)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_caption_markup_is_shown_as_text(browser, tmp_path):
    markup = "<img src=x onerror=alert(1)><b>bold</b><script>alert(2)</script>"
    bundle, key = make_bundle(tmp_path, captions={f"clip-{i:02d}": f"{markup} #{i}" for i in range(2)})
    handler = functools.partial(_QuietHandler, directory=str(bundle / "raters"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # Without the page's Content-Security-Policy, so that textContent alone must keep the markup inert.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        start(page, f"http://127.0.0.1:{server.server_address[1]}/index.html", "mallory <b>x</b>")
        shown = 0
        while shown < 2:  # two captions with markup, and the page after each answer
            trial = key["trials"][current_id(page)]
            if not trial["attention_check"]:
                assert page.text_content("#caption").startswith(markup)
                assert page.locator("#caption *").count() == 0
                assert page.locator("img, b, main script").count() == 0
                shown += 1
            rate_current(page, key, "alice")
        page.wait_for_timeout(200)
        assert dialogs == []
    finally:
        context.close()
        server.shutdown()
        server.server_close()
