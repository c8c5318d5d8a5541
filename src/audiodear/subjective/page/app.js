// The listening-test page: one trial at a time, in an order seeded by the rater's name, resumable
// from localStorage, exported as a JSON file the rater sends back.
//
// Text from the bundle (captions, labels) is only ever set with textContent, so a caption can never
// inject markup or script. The trial list comes from trials.js (a script), because browsers refuse
// fetch() of local files when the page is opened from a plain folder (file://).
"use strict";
(function () {
  const STORE_PREFIX = "audiodear-listening-test/v1/";
  const EXPORT_FORMAT = "audiodear-listening-test-ratings";
  // A clip counts as heard when it played to its end and at least this fraction of it was played
  // (so skipping to the end does not unlock the ratings).
  const HEARD_FRACTION = 0.9;
  const SCALE_KEYS = ["rel", "ovl"];

  const data = window.AUDIODEAR_TRIALS;
  const $ = (id) => document.getElementById(id);
  const byId = new Map();
  let session = null; // {bundle_id, rater_id, started_at, finished_at, order, answers}
  let current = null; // {trial, position, plays, heard}
  let storageOk = true;

  function fail(message) {
    const el = $("fatal");
    el.textContent = message;
    el.hidden = false;
  }

  // FNV-1a over UTF-16 code units, then xorshift32: a small, reproducible PRNG for the order.
  function hash32(text) {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0 || 0x9e3779b9;
  }

  function xorshift32(seed) {
    let x = seed >>> 0;
    return function () {
      x ^= x << 13; x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5; x >>>= 0;
      return x / 4294967296;
    };
  }

  function raterOrder(raterId) {
    const ids = data.trials.map((t) => t.id).sort();
    const random = xorshift32(hash32(data.bundle_id + "\u0000" + raterId));
    for (let i = 0; i < 8; i++) random(); // decorrelate nearby seeds
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    return ids;
  }

  function storageKey(raterId) {
    return STORE_PREFIX + data.bundle_id + "/" + raterId;
  }

  function loadSession(raterId) {
    try {
      const raw = window.localStorage.getItem(storageKey(raterId));
      return raw ? JSON.parse(raw) : null;
    } catch (err) {
      storageOk = false;
      return null;
    }
  }

  function saveSession() {
    try {
      window.localStorage.setItem(storageKey(session.rater_id), JSON.stringify(session));
    } catch (err) {
      if (storageOk) {
        storageOk = false;
        $("listen-status").textContent = "Note: this browser does not let the page save progress; " +
          "please finish in one go.";
      }
    }
  }

  function show(screen) {
    for (const name of ["start", "trial", "done"]) $("screen-" + name).hidden = name !== screen;
    const heading = $(screen + "-heading");
    if (heading) heading.focus();
  }

  function buildScales() {
    const holder = $("scales");
    for (const key of SCALE_KEYS) {
      const scale = data.scales[key];
      const fieldset = document.createElement("fieldset");
      fieldset.id = "scale-" + key;
      const legend = document.createElement("legend");
      legend.textContent = scale.name + ": " + scale.question;
      fieldset.appendChild(legend);
      const options = document.createElement("div");
      options.className = "options";
      for (let value = data.scale_min; value <= data.scale_max; value++) {
        const label = document.createElement("label");
        const input = document.createElement("input");
        input.type = "radio";
        input.name = key;
        input.value = String(value);
        input.id = key + "-" + value;
        input.disabled = true;
        const text = document.createElement("span");
        text.textContent = value + " " + scale.labels[value - data.scale_min];
        label.appendChild(input);
        label.appendChild(text);
        options.appendChild(label);
      }
      fieldset.appendChild(options);
      holder.appendChild(fieldset);
    }
  }

  function chosen(key) {
    const checked = document.querySelector('input[name="' + key + '"]:checked');
    return checked ? Number(checked.value) : null;
  }

  function setRatingsEnabled(enabled) {
    for (const input of document.querySelectorAll("#scales input")) input.disabled = !enabled;
  }

  function updateNext() {
    $("next-button").disabled = !(current && current.heard && SCALE_KEYS.every((k) => chosen(k) !== null));
  }

  function nextPosition() {
    return session.order.findIndex((id) => !session.answers[id]);
  }

  function showTrial(position) {
    const trial = byId.get(session.order[position]);
    current = {trial: trial, position: position, plays: 0, heard: false};
    const total = session.order.length;
    $("trial-number").textContent = String(position + 1);
    $("trial-total").textContent = String(total);
    $("trial-progress").max = total;
    $("trial-progress").value = position;
    $("caption").textContent = trial.caption;
    for (const input of document.querySelectorAll("#scales input")) input.checked = false;
    setRatingsEnabled(false);
    updateNext();
    $("listen-status").textContent = "Play the sound to the end to unlock the ratings.";
    const player = $("player");
    player.src = trial.audio;
    player.load();
    show("trial");
  }

  function heardSeconds(player) {
    let seconds = 0;
    for (let i = 0; i < player.played.length; i++) seconds += player.played.end(i) - player.played.start(i);
    return seconds;
  }

  function onEnded() {
    if (!current) return;
    const player = $("player");
    const duration = player.duration;
    if (!Number.isFinite(duration) || heardSeconds(player) >= HEARD_FRACTION * duration) {
      current.heard = true;
      setRatingsEnabled(true);
      $("listen-status").textContent = "Thank you for listening. Please rate the sound.";
    } else {
      $("listen-status").textContent = "Please listen to the whole sound without skipping.";
    }
    updateNext();
  }

  function showDone() {
    current = null;
    $("player").removeAttribute("src");
    $("done-total").textContent = String(session.order.length);
    show("done");
  }

  function onRate(event) {
    event.preventDefault();
    if (!current || !current.heard) return;
    const values = {rel: chosen("rel"), ovl: chosen("ovl")};
    if (values.rel === null || values.ovl === null) return;
    const trial = current.trial;
    session.answers[trial.id] = {
      blinded_id: trial.id, position: current.position + 1, rel: values.rel, ovl: values.ovl,
      play_count: current.plays, attention_check: Boolean(trial.attention_check),
      rated_at: new Date().toISOString(),
    };
    const next = nextPosition();
    if (next < 0) session.finished_at = new Date().toISOString();
    saveSession();
    if (next < 0) showDone();
    else showTrial(next);
  }

  function onStart(event) {
    event.preventDefault();
    const raterId = $("rater-id").value.trim();
    if (!raterId) {
      $("start-error").textContent = "Please enter a rater name.";
      $("rater-id").focus();
      return;
    }
    $("start-error").textContent = "";
    const order = raterOrder(raterId);
    const saved = loadSession(raterId);
    const fits = saved && saved.bundle_id === data.bundle_id && Array.isArray(saved.order) &&
      saved.order.join("\n") === order.join("\n");
    session = fits ? saved : {
      bundle_id: data.bundle_id, rater_id: raterId, started_at: new Date().toISOString(),
      finished_at: null, order: order, answers: {},
    };
    saveSession();
    const next = nextPosition();
    if (next < 0) showDone();
    else showTrial(next);
  }

  function exportFileName() {
    const safe = session.rater_id.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 40) || "rater";
    return "ratings_" + data.bundle_id + "_" + safe + ".json";
  }

  function onDownload() {
    const trials = session.order.filter((id) => session.answers[id]).map((id) => session.answers[id]);
    const doc = {
      format: EXPORT_FORMAT, version: 1, bundle_id: data.bundle_id, rater_id: session.rater_id,
      started_at: session.started_at, finished_at: session.finished_at,
      exported_at: new Date().toISOString(), n_trials: session.order.length,
      complete: trials.length === session.order.length, trials: trials,
    };
    const blob = new Blob([JSON.stringify(doc, null, 2) + "\n"], {type: "application/json"});
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = exportFileName();
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    $("download-status").textContent = "Saved as " + link.download + ". Please send this file back to us.";
  }

  function init() {
    if (!data || data.format !== "audiodear-listening-test" || !Array.isArray(data.trials) || !data.trials.length) {
      fail("The trial list (trials.js) is missing or damaged. Please ask for a new copy of the test.");
      return;
    }
    for (const trial of data.trials) byId.set(trial.id, trial);
    document.title = data.title;
    $("title").textContent = data.title;
    $("trial-count").textContent = String(data.trials.length);
    buildScales();
    const player = $("player");
    player.addEventListener("play", () => { if (current) current.plays += 1; });
    player.addEventListener("ended", onEnded);
    player.addEventListener("error", () => {
      if (current) $("listen-status").textContent = "This sound could not be played. Please reload the page.";
    });
    $("scales").addEventListener("change", updateNext);
    $("start-form").addEventListener("submit", onStart);
    $("rating-form").addEventListener("submit", onRate);
    $("download-button").addEventListener("click", onDownload);
    show("start");
    $("rater-id").focus();
  }

  init();
})();
