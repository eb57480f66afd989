/* The reporting and follow-up pages: solve the proof of work, then talk to /api/v1/tips with fetch.
   The page never changes its address; the receipt never goes into a URL; nothing is stored in the
   browser (no localStorage, no cookies of our own). Text from the server is inserted as text only. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "vi";

  function $(root, role) { return root.querySelector('[data-role="' + role + '"]'); }

  // dd/mm/yyyy HH:MM in local time (Asia/Ho_Chi_Minh), whatever the browser's language and zone: the same
  // format as precinct.core.formats.format_datetime on the server (ADR 0027).
  function fmtDate(iso) {
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-GB", {
        timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23"
      }).formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = p.value; });
      return parts.day + "/" + parts.month + "/" + parts.year + " " + parts.hour + ":" + parts.minute;
    } catch (e) { return iso; }
  }

  function groups(receipt) { return receipt.replace(/(\d{4})(?=\d)/g, "$1 "); }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src; s.onload = resolve; s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  /* Solve in a Web Worker; fall back to the page itself, in slices, when workers are unavailable. */
  function solve(challenge, workerUrl) {
    return new Promise(function (resolve, reject) {
      var worker;
      try { worker = new Worker(workerUrl); } catch (e) { worker = null; }
      if (worker) {
        worker.onmessage = function (event) { worker.terminate(); resolve(event.data.nonce); };
        worker.onerror = function () { worker.terminate(); inPage(); };
        worker.postMessage({ id: challenge.id, difficulty: challenge.difficulty });
      } else { inPage(); }

      function inPage() {
        var ready = window.PrecinctPow ? Promise.resolve() : loadScript(workerUrl);
        ready.then(function () {
          var start = 0;
          (function slice() {
            var found = window.PrecinctPow.search(challenge.id, challenge.difficulty, start, 20000);
            if (found !== null) { resolve(found); return; }
            start += 20000;
            setTimeout(slice, 0);
          })();
        }, reject);
      }
    });
  }

  function challengeFor(root) {
    return fetch(root.dataset.challenge, { headers: { "Accept-Language": lang }, cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (challenge) {
        return solve(challenge, root.dataset.worker).then(function (nonce) { return { id: challenge.id, nonce: nonce }; });
      });
  }

  function clearErrors(root) {
    root.querySelectorAll("[data-error-for]").forEach(function (list) { list.textContent = ""; });
    var box = $(root, "error");
    if (box) { box.hidden = true; box.textContent = ""; }
  }

  function showErrors(root, body, fallback) {
    var error = (body && body.error) || { message: fallback, fields: {} };
    var box = $(root, "error");
    var unplaced = [];
    Object.keys(error.fields || {}).forEach(function (name) {
      var list = root.querySelector('[data-error-for="' + name + '"]');
      error.fields[name].forEach(function (message) {
        if (list) { var li = document.createElement("li"); li.textContent = message; list.appendChild(li); }
        else { unplaced.push(message); }
      });
    });
    if (box) {
      box.textContent = [error.message].concat(unplaced).join(" ");
      box.hidden = false;
      box.scrollIntoView({ block: "center" });
    }
  }

  function send(url, body, headers) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin", cache: "no-store",
      headers: Object.assign({ "Accept-Language": lang, "Accept": "application/json" }, headers || {}),
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  function busy(button, progress, on) {
    if (button) button.disabled = on;
    if (progress) progress.hidden = !on;
  }

  var networkError = lang.indexOf("en") === 0 ? "The connection failed. Try again." : "Không kết nối được. Vui lòng thử lại.";

  /* --- reporting ---------------------------------------------------------------------------- */
  var section = document.getElementById("tip-report");
  if (section) {
    var form = $(section, "report-form");
    var panel = document.querySelector('[data-role="receipt-panel"]');
    var locate = $(section, "locate");
    if (locate && navigator.geolocation) {
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          form.latitude.value = pos.coords.latitude.toFixed(6);
          form.longitude.value = pos.coords.longitude.toFixed(6);
        });
      });
    } else if (locate) { locate.hidden = true; }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(section);
      var button = $(section, "submit"), progress = $(section, "progress");
      busy(button, progress, true);
      section.dataset.challenge = form.dataset.challenge;
      section.dataset.worker = form.dataset.worker;
      challengeFor(section).then(function (solved) {
        var data = new FormData(form);
        data.delete("csrfmiddlewaretoken");
        var headers = { "X-Challenge-Id": solved.id, "X-Challenge-Nonce": solved.nonce };
        var token = form.querySelector("[name=csrfmiddlewaretoken]");
        if (token) headers["X-CSRFToken"] = token.value;
        return send(form.dataset.api, data, headers);
      }).then(function (result) {
        busy(button, progress, false);
        if (!result.ok) { showErrors(section, result.data, networkError); return; }
        form.reset();
        section.hidden = true;
        $(panel, "receipt").textContent = groups(result.data.receipt);
        $(panel, "reference").textContent = result.data.reference.slice(0, 4) + "-" + result.data.reference.slice(4);
        $(panel, "filed-at").textContent = fmtDate(result.data.filed_at);
        $(panel, "proof-token").value = result.data.proof_token;
        panel.hidden = false;
        window.scrollTo(0, 0);
      }).catch(function () {
        busy(button, progress, false);
        showErrors(section, null, networkError);
      });
    });
  }

  /* --- follow-up ---------------------------------------------------------------------------- */
  var follow = document.querySelector('[data-role="followup"]');
  if (follow) {
    var receiptForm = $(follow, "receipt-form");
    var thread = document.querySelector('[data-role="thread-panel"]');
    var messageForm = $(thread, "message-form");
    var current = null; // the receipt, only in this page's memory

    var render = function (view) {
      $(thread, "reference").textContent = view.reference.slice(0, 4) + "-" + view.reference.slice(4);
      var status = $(thread, "status");
      status.textContent = view.status_label;
      status.className = "status status--tip-" + view.status;
      $(thread, "category").textContent = view.category_label;
      $(thread, "filed-at").textContent = fmtDate(view.filed_at);
      $(thread, "outcome-row").hidden = !view.outcome;
      $(thread, "outcome").textContent = view.outcome_label;
      var list = $(thread, "messages");
      list.textContent = "";
      if (!view.messages.length) {
        var empty = document.createElement("li");
        empty.className = "tips-thread__empty";
        empty.textContent = list.dataset.empty;
        list.appendChild(empty);
      }
      view.messages.forEach(function (m) {
        var li = document.createElement("li");
        li.className = "tips-msg tips-msg--" + m.from;
        var head = document.createElement("div");
        head.className = "tips-msg__head";
        head.textContent = (m.from === "reporter" ? list.dataset.you : list.dataset.police) + " · " + fmtDate(m.at);
        var body = document.createElement("div");
        body.className = "tips-msg__body";
        body.textContent = m.body;
        li.appendChild(head); li.appendChild(body);
        list.appendChild(li);
      });
      messageForm.hidden = view.status === "closed";
      follow.hidden = true;
      thread.hidden = false;
    };

    receiptForm.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(follow);
      var button = $(follow, "submit"), progress = $(follow, "progress");
      var receipt = receiptForm.receipt.value;
      busy(button, progress, true);
      challengeFor(follow).then(function (solved) {
        return send(follow.dataset.api, JSON.stringify({ receipt: receipt, challenge_id: solved.id, nonce: solved.nonce }),
          { "Content-Type": "application/json" });
      }).then(function (result) {
        busy(button, progress, false);
        if (!result.ok) { showErrors(follow, result.data, networkError); return; }
        current = receipt;
        receiptForm.reset();
        render(result.data);
      }).catch(function () { busy(button, progress, false); showErrors(follow, null, networkError); });
    });

    messageForm.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(thread);
      var button = $(thread, "send"), progress = $(thread, "send-progress");
      busy(button, progress, true);
      challengeFor(follow).then(function (solved) {
        var data = new FormData(messageForm);
        data.set("receipt", current || "");
        return send(messageForm.dataset.api, data, { "X-Challenge-Id": solved.id, "X-Challenge-Nonce": solved.nonce });
      }).then(function (result) {
        busy(button, progress, false);
        if (!result.ok) { showErrors(thread, result.data, networkError); return; }
        messageForm.reset();
        render(result.data);
      }).catch(function () { busy(button, progress, false); showErrors(thread, null, networkError); });
    });

    $(thread, "close").addEventListener("click", function () {
      current = null;
      $(thread, "messages").textContent = "";
      thread.hidden = true;
      follow.hidden = false;
    });
  }
})();
