"""The raters' instructions, written once and rendered as Markdown and as a standalone HTML page."""
from __future__ import annotations

import html

from .config import SCALES


def _sections(n_trials: int, n_checks: int, minutes: int) -> list[tuple[str, list[str | list[str]]]]:
    scale_items = []
    for key in ("rel", "ovl"):
        s = SCALES[key]
        labels = ", ".join(f"{i} = {label}" for i, label in enumerate(s["labels"], start=1))
        scale_items.append(f"{s['question']} ({labels})")
    if n_checks == 1:
        checks = ["One of the trials is an attention check: its text tells you which ratings to give. "
                  "Please follow it exactly."]
    elif n_checks > 1:
        checks = [f"{n_checks} of the trials are attention checks: their text tells you which ratings to give. "
                  "Please follow it exactly."]
    else:
        checks = []
    return [
        ("What you will do", [
            f"You will hear {n_trials} short sounds, one at a time, each shown with a text description. "
            f"It takes about {minutes} minutes.",
            "Use headphones in a quiet room, and set a comfortable volume on the first sound; "
            "then leave the volume alone until the end.",
            "Listen to each sound to the end. The rating buttons unlock once it has played; "
            "you may play it again as often as you like.",
        ]),
        ("How to rate", [
            "Give two ratings on a scale from 1 to 5:",
            scale_items,
            "There are no right or wrong answers: we want your own impression.",
            *checks,
        ]),
        ("Breaks and sending your ratings", [
            "Your progress is saved in this browser. You can close the page and continue later: "
            "open it again in the same browser and enter the same rater name.",
            "At the end, press \"Download ratings\" and send the downloaded file back to us. "
            "The file holds your rater name, your ratings, how often you played each sound and when you "
            "rated it; nothing else.",
        ]),
    ]


def _estimate_minutes(n_trials: int, clip_seconds: float) -> int:
    # one listen plus about ten seconds to rate
    return max(1, round(n_trials * (clip_seconds + 10.0) / 60.0))


def instructions_markdown(title: str, n_trials: int, n_checks: int, clip_seconds: float) -> str:
    out = [f"# {title}: instructions", ""]
    for heading, items in _sections(n_trials, n_checks, _estimate_minutes(n_trials, clip_seconds)):
        out += [f"## {heading}", ""]
        for item in items:
            out += ([f"- {sub}" for sub in item] if isinstance(item, list) else [item]) + [""]
    return "\n".join(out).rstrip() + "\n"


def instructions_html(title: str, n_trials: int, n_checks: int, clip_seconds: float) -> str:
    e = html.escape
    body = []
    for heading, items in _sections(n_trials, n_checks, _estimate_minutes(n_trials, clip_seconds)):
        body.append(f"<h2>{e(heading)}</h2>")
        for item in items:
            if isinstance(item, list):
                body.append("<ul>" + "".join(f"<li>{e(sub)}</li>" for sub in item) + "</ul>")
            else:
                body.append(f"<p>{e(item)}</p>")
    return "\n".join([
        "<!doctype html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}: instructions</title>", '<link rel="stylesheet" href="style.css">', "</head>",
        "<body>", "<main>", f"<h1>{e(title)}: instructions</h1>", *body,
        '<p><a href="index.html">Back to the listening test</a></p>', "</main>", "</body>", "</html>", ""])
