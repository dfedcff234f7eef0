/* Live alerts on staff pages: plain JavaScript, no build step, nothing from a CDN.
 *
 * Any element with data-live-alerts and data-site="<id>" is kept up to date from the server-sent
 * events of /live/alerts?site=<id> (one stream per site on the page). data-treatment="<id>" limits
 * a list to one treatment. The browser reconnects by itself and sends Last-Event-ID, so the server
 * replays what the page missed. Rows are drawn with textContent only: event data is never parsed
 * as HTML. On the board (data-board) a new warn, act or emergency alert plays a short sound once
 * staff turn sound on ([data-sound-toggle]; browsers allow audio only after a click). Every event
 * is also dispatched on <body> as "ketacare-alert", which htmx uses to redraw the chairs.
 */
(function () {
  "use strict";

  var SOUND_KEY = "ketacare.board.sound";
  var DROP_ACKNOWLEDGED_MS = 15000;
  var audio = null;

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function shortTime(iso) {
    var at = new Date(iso);
    return at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function ackForm(alert) {
    var template = document.getElementById("live-alert-ack");
    if (template) {
      var form = template.content.querySelector("form").cloneNode(true);
      form.action = "/alerts/" + alert.id + "/acknowledge";
      form.querySelectorAll("[id]").forEach(function (field) {
        var fresh = field.id.replace(/-new$/, "-" + alert.id);
        var label = form.querySelector('label[for="' + field.id + '"]');
        if (label) label.htmlFor = fresh;
        field.id = fresh;
      });
      return form;
    }
    var back = encodeURIComponent(location.pathname + location.search);
    var link = make("a", "ack-link", "Acknowledge");
    link.href = "/alerts/" + alert.id + "/acknowledge?next=" + back;
    return link;
  }

  function newRow(alert) {
    var row = make("li", "live-alert level-" + alert.level);
    row.dataset.alertId = alert.id;
    row.dataset.treatment = alert.treatment_id;
    var head = make("div", "live-alert-head");
    var who = make("a", null, alert.patient);
    who.href = "/treatments/" + alert.treatment_id;
    var when = make("time", "muted small", shortTime(alert.raised_at));
    when.dateTime = alert.raised_at;
    head.append(make("span", "badge level-badge", alert.level), " ", make("strong", null, alert.chair),
      " · ", who, " ", when);
    row.append(head, make("p", "live-alert-message", alert.message), ackForm(alert));
    return row;
  }

  function markEscalated(row, alert) {
    row.classList.add("escalated");
    if (alert.to_you) row.classList.add("to-you");
    if (!row.querySelector(".escalated-badge")) {
      var head = row.querySelector(".live-alert-head") || row;
      head.append(" ", make("span", "badge escalated-badge", "escalated to the prescriber"));
    }
  }

  function markAcknowledged(row, alert, list) {
    row.classList.add("acknowledged");
    row.querySelectorAll("form, .ack-link").forEach(function (node) { node.remove(); });
    if (!row.querySelector(".ack-done")) {
      row.append(make("p", "ack-done small", "Acknowledged: " + (alert.action || "")));
    }
    if (list.hasAttribute("data-board")) {
      setTimeout(function () { row.remove(); showEmpty(list); }, DROP_ACKNOWLEDGED_MS);
    }
  }

  function showEmpty(list) {
    var empty = list.parentElement && list.parentElement.querySelector("[data-live-empty]");
    if (empty) empty.hidden = list.children.length > 0;
  }

  function update(list, alert) {
    var wanted = list.dataset.treatment;
    if (wanted && String(alert.treatment_id) !== wanted) return false;
    var row = list.querySelector('[data-alert-id="' + alert.id + '"]');
    var fresh = !row;
    if (fresh && alert.acknowledged_at) return false; // closed before this page heard of it
    if (fresh) {
      row = newRow(alert);
      list.prepend(row);
    }
    if (alert.escalated_at) markEscalated(row, alert);
    if (alert.acknowledged_at) markAcknowledged(row, alert, list);
    showEmpty(list);
    return fresh;
  }

  function markChair(alert) {
    var card = document.querySelector('[data-treatment-id="' + alert.treatment_id + '"]');
    if (card && !alert.acknowledged_at) card.classList.add("alert-" + alert.level, "just-alerted");
  }

  function sound(level) {
    if (!audio || audio.state !== "running") return;
    var tones = level === "warn" ? [660] : [880, 660, 880];
    var at = audio.currentTime;
    tones.forEach(function (hz) {
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.type = "sine";
      tone.frequency.value = hz;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
      tone.connect(gain).connect(audio.destination);
      tone.start(at);
      tone.stop(at + 0.2);
      at += 0.22;
    });
  }

  function wantsSound(alert, lists) {
    var onBoard = lists.some(function (list) { return list.hasAttribute("data-board"); });
    if (!onBoard) return false;
    if (alert.change === "escalated") return alert.to_you;
    return alert.change === "raised" && ["warn", "act", "emergency"].indexOf(alert.level) >= 0;
  }

  function setStatus(text, live) {
    document.querySelectorAll("[data-live-status]").forEach(function (node) {
      node.textContent = text;
      node.classList.toggle("live-on", live);
    });
  }

  function listen(site, lists) {
    var stream = new EventSource("/live/alerts?site=" + encodeURIComponent(site));
    stream.onopen = function () { setStatus("live", true); };
    stream.onerror = function () { setStatus("reconnecting…", false); };
    stream.addEventListener("alert", function (event) {
      var alert = JSON.parse(event.data);
      var fresh = false;
      lists.forEach(function (list) { fresh = update(list, alert) || fresh; });
      markChair(alert);
      if ((fresh || alert.change === "escalated") && wantsSound(alert, lists)) sound(alert.level);
      document.body.dispatchEvent(new CustomEvent("ketacare-alert", { detail: alert }));
    });
  }

  function enableAudio() {
    if (!audio) {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return;
      audio = new Context();
    }
    if (audio.state === "suspended") audio.resume();
  }

  function setupSound() {
    var toggles = document.querySelectorAll("[data-sound-toggle]");
    if (!toggles.length) return;
    function show(on) {
      toggles.forEach(function (button) {
        button.setAttribute("aria-pressed", on ? "true" : "false");
        button.textContent = on ? "Sound on" : "Sound off";
      });
    }
    var on = localStorage.getItem(SOUND_KEY) === "on";
    show(on);
    if (on) { // audio may start only after a user gesture: the first click or key will do
      var wake = function () { if (localStorage.getItem(SOUND_KEY) === "on") enableAudio(); };
      document.addEventListener("pointerdown", wake, { once: true });
      document.addEventListener("keydown", wake, { once: true });
    }
    toggles.forEach(function (button) {
      button.addEventListener("click", function () {
        var now = localStorage.getItem(SOUND_KEY) !== "on";
        localStorage.setItem(SOUND_KEY, now ? "on" : "off");
        show(now);
        if (now) { enableAudio(); sound("warn"); }
      });
    });
  }

  function start() {
    var bySite = {};
    document.querySelectorAll("[data-live-alerts][data-site]").forEach(function (list) {
      (bySite[list.dataset.site] = bySite[list.dataset.site] || []).push(list);
    });
    Object.keys(bySite).forEach(function (site) { listen(site, bySite[site]); });
    setupSound();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
