// Optional filtering by party and verdict; the page is complete without it.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var party = document.getElementById("filter-party");
  var verdict = document.getElementById("filter-verdict");
  var count = document.getElementById("filter-count");
  if (!form || !party || !verdict) { return; }

  function verdictsOf(el) {
    var out = {};
    (el.getAttribute("data-verdicts") || "").split(" ").forEach(function (pair) {
      var at = pair.indexOf(":");
      if (at > 0) { out[pair.slice(0, at)] = pair.slice(at + 1).split(","); }
    });
    return out;
  }

  function matches(byParty, p, v) {
    var parties = p ? [p] : Object.keys(byParty);
    return parties.some(function (id) {
      var list = byParty[id] || [];
      return !v || list.indexOf(v) !== -1;
    });
  }

  function apply() {
    var p = party.value, v = verdict.value, shown = 0, total = 0;
    document.querySelectorAll("article.clause").forEach(function (el) {
      var ok = matches(verdictsOf(el), p, v);
      el.classList.toggle("is-hidden", !ok);
      total += 1;
      if (ok) { shown += 1; }
      var row = el.id;
      document.querySelectorAll(".matrix tbody tr").forEach(function (tr) {
        var link = tr.querySelector("th a, td.ctitle a");
        if (link && link.getAttribute("href") === "#" + row) { tr.classList.toggle("is-hidden", !ok); }
      });
    });
    document.querySelectorAll(".matrix tbody tr.option-row").forEach(function (tr) {
      var prev = tr.previousElementSibling;
      while (prev && prev.classList.contains("option-row")) { prev = prev.previousElementSibling; }
      tr.classList.toggle("is-hidden", !!prev && prev.classList.contains("is-hidden"));
    });
    document.querySelectorAll("li.finding, .summary, .matrix [data-party]").forEach(function (el) {
      el.classList.toggle("is-hidden", !!p && el.getAttribute("data-party") !== p);
    });
    count.textContent = (p || v) ? shown + " of " + total + " clauses shown" : "";
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  party.addEventListener("change", apply);
  verdict.addEventListener("change", apply);
})();
