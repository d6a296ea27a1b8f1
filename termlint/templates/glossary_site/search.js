/* termlint glossary: filter the index by terms and senses as you type.
   The index is embedded in the page (works from file://); nothing is fetched. */
(function () {
  "use strict";
  var box = document.getElementById("q");
  var data = document.getElementById("search-index");
  var status = document.getElementById("search-status");
  if (!box || !data) { return; }
  var parsed = JSON.parse(data.textContent);
  var index = parsed.terms;
  var ruleRows = (parsed.rules || []).map(function (rule) {
    return { rule: rule, el: document.querySelector('li.rule[data-rule="' + rule.id + '"]') };
  });

  function norm(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function hasAll(text, words) {
    var padded = " " + text;
    return words.every(function (w) { return padded.indexOf(" " + w) !== -1; });
  }

  var rows = index.map(function (term) {
    var el = document.querySelector('li.term[data-term="' + term.id + '"]');
    var senseEls = {};
    if (el) {
      el.querySelectorAll("li[data-sense]").forEach(function (s) {
        senseEls[s.getAttribute("data-sense")] = s;
      });
    }
    return { term: term, el: el, senseEls: senseEls };
  });

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function apply() {
    var query = box.value;
    var words = norm(query).split(" ").filter(Boolean);
    var shownTerms = 0;
    var shownSenses = 0;
    rows.forEach(function (row) {
      if (!row.el) { return; }
      var term = row.term;
      /* A sense matches on its own words plus the term's names; the term's summary
         makes the term match but says nothing about which sense. */
      var hits = term.senses.filter(function (s) { return hasAll(term.names + " " + s.text, words); });
      var termHit = hasAll(term.names + " " + term.text, words);
      var visible = words.length === 0 || termHit || hits.length > 0;
      var narrow = words.length > 0 && hits.length > 0 && hits.length < term.senses.length;
      row.el.hidden = !visible;
      term.senses.forEach(function (s) {
        var sEl = row.senseEls[s.id];
        if (!sEl) { return; }
        var hit = hits.indexOf(s) !== -1;
        sEl.hidden = narrow && !hit;
        sEl.classList.toggle("hit", narrow && hit);
      });
      if (visible) {
        shownTerms += 1;
        shownSenses += words.length === 0 ? term.senses.length : (hits.length || term.senses.length);
      }
    });
    var shownRules = 0;
    ruleRows.forEach(function (row) {
      if (!row.el) { return; }
      var hit = words.length === 0 || hasAll(row.rule.text, words);
      row.el.hidden = !hit;
      if (hit) { shownRules += 1; }
    });
    var rulesSection = document.getElementById("_rules");
    if (rulesSection && ruleRows.length) { rulesSection.hidden = shownRules === 0; }
    document.querySelectorAll("section.letter").forEach(function (section) {
      section.hidden = !section.querySelector("li.term:not([hidden])");
      var jump = document.querySelector('.letters a[href="#' + section.id + '"]');
      if (jump) { jump.hidden = section.hidden; }
    });
    if (!status) { return; }
    var ruleNote = shownRules ? " " + plural(shownRules, "rule") + " also match" +
      (shownRules === 1 ? "es" : "") + "." : "";
    if (words.length === 0) {
      status.textContent = plural(rows.length, "term") + ".";
    } else if (shownTerms === 0) {
      status.textContent = "No term or sense matches \u201c" + query.trim() + "\u201d." + ruleNote;
    } else {
      status.textContent = plural(shownTerms, "term") + ", " + plural(shownSenses, "sense") + " match." + ruleNote;
    }
  }

  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { box.value = params.get("q"); }
  box.addEventListener("input", apply);
  if (box.form) {
    box.form.addEventListener("submit", function (event) {
      /* Enter opens the first match instead of reloading the page. */
      event.preventDefault();
      var first = document.querySelector("li.term:not([hidden]) li.hit a, li.term:not([hidden]) a.term-name");
      if (first) { window.location.href = first.href; }
    });
  }
  box.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { box.value = ""; apply(); }
  });
  /* "/" anywhere on the page (outside a text field) jumps to the search box. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var t = event.target;
    if (t && (t.isContentEditable || /^(input|textarea|select)$/i.test(t.tagName))) { return; }
    event.preventDefault();
    box.focus();
    box.select();
  });
  apply();
}());
