// The duty console, live (ADR 0036): an EventSource on the console's stream; each `alerts` event re-fetches the
// alert list (HTMX, the fragment the server renders) and, for a new alert, plays a short tone once the officer
// has turned sound on (browsers allow audio only after a gesture). If the stream cannot be opened the list is
// polled every `data-poll-seconds` and the stream is tried again as often. The state is shown beside the list.
(function () {
  "use strict";
  var bar, list, source, lastId = "", pollTimer = null, shownTimer = null, audio = null;
  var SOUND_KEY = "precinct.cameras.sound";

  function setState(state) {
    var box = bar.querySelector("[data-state]");
    box.className = "live-state live-state--" + state;
    box.querySelectorAll("[data-text]").forEach(function (el) { el.hidden = el.dataset.text !== state; });
    bar.dataset.live = state;
  }

  function refresh() {
    if (window.htmx) window.htmx.trigger(list, "cameras-changed");
  }

  function soundWanted() {
    try { return window.localStorage.getItem(SOUND_KEY) === "on"; } catch (e) { return false; }
  }

  function tone() {
    // Two short beeps (880 Hz then 660 Hz), 0.15 s each: WebAudio, so no file to fetch.
    if (!audio) return false;
    if (audio.state === "suspended") audio.resume();
    [[880, 0], [660, 0.2]].forEach(function (step) {
      var osc = audio.createOscillator(), gain = audio.createGain(), at = audio.currentTime + step[1];
      osc.frequency.value = step[0];
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.15);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + 0.16);
    });
    return true;
  }

  function announce() {
    if (soundWanted() && tone()) bar.dataset.beeps = String(Number(bar.dataset.beeps || 0) + 1);
  }

  function showSound() {
    var button = bar.querySelector("[data-sound]"), on = soundWanted() && audio !== null;
    button.hidden = false;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? button.dataset.on : button.dataset.off;
  }

  function toggleSound() {
    var on = !(soundWanted() && audio !== null);
    try { window.localStorage.setItem(SOUND_KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
    if (on) {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      audio = audio || (Ctx ? new Ctx() : null);
      if (audio) { audio.resume(); tone(); }
    }
    showSound();
  }

  function polling() {
    if (pollTimer) return;
    setState("polling");
    var every = Number(bar.dataset.pollSeconds || 15) * 1000;
    pollTimer = window.setInterval(function () { refresh(); connect(); }, every);
  }

  function connect() {
    if (source && source.readyState !== EventSource.CLOSED) return;
    var url = bar.dataset.stream + (lastId ? "?last=" + encodeURIComponent(lastId) : "");
    var first = !lastId;
    source = new EventSource(url);
    source.addEventListener("hello", function (e) {
      lastId = e.lastEventId || lastId;
      live();
      if (first) { first = false; refresh(); } // anything raised between the page's rendering and now
    });
    source.addEventListener("alerts", function (e) {
      lastId = e.lastEventId || lastId;
      live();
      refresh();
      var data = {};
      try { data = JSON.parse(e.data); } catch (err) { data = {}; }
      if (data.new) announce();
    });
    source.addEventListener("bye", function (e) { lastId = e.lastEventId || lastId; });
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        polling(); // refused (signed out, no longer allowed) or not a stream: poll, and try again later
      } else if (!shownTimer) {
        // The browser reconnects by itself (a stream's life is bounded): say so only if it takes a while.
        shownTimer = window.setTimeout(function () { shownTimer = null; if (source.readyState !== EventSource.OPEN) setState("connecting"); }, 3000);
      }
    };
  }

  function live() {
    if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
    setState("live");
  }

  function setUp() {
    bar = document.getElementById("console-live");
    list = document.getElementById("console-alerts");
    if (!bar || !list) return;
    bar.querySelector("[data-sound]").addEventListener("click", toggleSound);
    if (soundWanted()) {
      // Wanted before: the context can start only after a gesture, so the first click anywhere resumes it.
      var Ctx = window.AudioContext || window.webkitAudioContext;
      audio = Ctx ? new Ctx() : null;
      document.addEventListener("click", function () { if (audio) audio.resume(); }, { once: true });
    }
    showSound();
    // A fragment answered by the sign-in page (the session ended): load the whole page, which asks to sign in.
    document.body.addEventListener("htmx:beforeSwap", function (e) {
      var xhr = e.detail.xhr;
      if (e.detail.target === list && xhr && xhr.responseURL && xhr.responseURL.indexOf("/accounts/login") !== -1) {
        e.detail.shouldSwap = false;
        window.location.reload();
      }
    });
    if (!window.EventSource) { polling(); return; }
    connect();
    window.addEventListener("pagehide", function () { if (source) source.close(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
