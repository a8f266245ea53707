// storyline web UI: small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Filter forms marked data-autosubmit submit when a select changes.
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });

  // "/" focuses the search box (unless typing already).
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.querySelector("input[name=q]");
    if (box) { ev.preventDefault(); box.focus(); box.select(); }
  });

  // Language toggles above article groups ([data-langs] containers of [data-lang] groups).
  // The choice is remembered for the session, per browser.
  var KEY = "storyline.hiddenLangs";
  function hidden() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(list) {
    try { sessionStorage.setItem(KEY, JSON.stringify(list)); } catch (e) { /* private mode */ }
  }
  document.querySelectorAll("[data-langs]").forEach(function (box) {
    var groups = box.querySelectorAll("[data-lang]");
    var codes = [];
    groups.forEach(function (g) {
      var c = g.getAttribute("data-lang");
      if (codes.indexOf(c) < 0) codes.push(c);
    });
    if (codes.length < 2) return;
    codes.sort();
    var bar = document.createElement("div");
    bar.className = "lang-filter";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Show articles in");
    bar.appendChild(document.createTextNode("Show:"));
    function apply() {
      var off = hidden();
      groups.forEach(function (g) {
        g.classList.toggle("lang-hidden", off.indexOf(g.getAttribute("data-lang")) >= 0);
      });
    }
    codes.forEach(function (code) {
      var label = document.createElement("label");
      var cb = document.createElement("input");
      cb.type = "checkbox";
      cb.checked = hidden().indexOf(code) < 0;
      cb.addEventListener("change", function () {
        var off = hidden().filter(function (c) { return c !== code; });
        if (!cb.checked) off.push(code);
        save(off);
        apply();
      });
      label.appendChild(cb);
      label.appendChild(document.createTextNode(" " + code));
      bar.appendChild(label);
    });
    box.parentNode.insertBefore(bar, box);
    apply();
  });
})();
