/* rulebase: the filters of the catalog index. Each row carries its values as data- attributes
   (severity, kind, platform, category, frameworks, text); the form hides the rows that do not match
   and keeps the filters in the address, so a filtered list can be shared. */
(function () {
  "use strict";

  /* The generator folds the rows' text the same way (generator/index_page.py: fold). */
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  /* The generator fills the same template (generator/i18n.py: count_label): `{n}` is the number as the page's
     language writes it, `{n:one|other}` the words that agree with it (CLDR plural rules: French 0 and 1 are
     singular, Japanese has one form). */
  var LANG = document.documentElement.lang || "en";
  var PLURAL = new Intl.PluralRules(LANG);
  function fill(template, counts) {
    return template.replace(/\{(\w+)(?::([^|{}]*)\|([^{}]*))?\}/g, function (all, name, one, other) {
      var count = counts[name];
      if (one === undefined) return count.toLocaleString(LANG);
      return PLURAL.select(count) === "one" ? one : other;
    });
  }

  function parameter(control) {
    return control.dataset.filter === "text" ? "q" : control.dataset.filter;
  }

  function setup(form) {
    if (form.dataset.rbReady) return;
    form.dataset.rbReady = "true";
    var index = form.parentElement.querySelector(".rb-index");
    var rows = Array.prototype.slice.call(index.querySelectorAll("tbody tr"));
    var controls = Array.prototype.slice.call(form.querySelectorAll("[data-filter]"));
    var count = form.querySelector("[data-rb-count]");
    var empty = index.querySelector("[data-rb-empty]");
    var template = form.dataset.shownTemplate;

    var params = new URLSearchParams(window.location.search);
    controls.forEach(function (control) {
      var value = params.get(parameter(control));
      if (value !== null) control.value = value;
    });

    function matches(row, control) {
      var name = control.dataset.filter;
      var value = control.value;
      if (!value) return true;
      if (name === "text") {
        return fold(value).split(/\s+/).filter(Boolean).every(function (term) {
          return row.dataset.text.indexOf(term) !== -1;
        });
      }
      if (name === "frameworks") return JSON.parse(row.dataset.frameworks).indexOf(value) !== -1;
      return row.dataset[name] === value;
    }

    var frameworkLink = form.querySelector("[data-rb-framework-link]");
    var frameworkSelect = form.querySelector("select[data-filter=frameworks]");

    function apply() {
      var shown = 0;
      if (frameworkLink && frameworkSelect) {  /* the selected framework's (or control's) page */
        var option = frameworkSelect.selectedOptions[0];
        frameworkLink.hidden = !(option && option.value);
        if (option && option.dataset.page) frameworkLink.setAttribute("href", option.dataset.page);
      }
      rows.forEach(function (row) {
        var visible = controls.every(function (control) { return matches(row, control); });
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      count.textContent = fill(template, { shown: shown, total: rows.length });
      empty.hidden = shown > 0;
      var query = new URLSearchParams();
      controls.forEach(function (control) {
        if (control.value) query.set(parameter(control), control.value);
      });
      var search = query.toString();
      window.history.replaceState(window.history.state, "",
        window.location.pathname + (search ? "?" + search : "") + window.location.hash);
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    apply();
  }

  function init() {
    document.querySelectorAll("[data-rb-filters]").forEach(setup);
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();

/* rulebase: the search query, as Material's search worker receives it (the box keeps what was typed).
   - lunr reads `-1` as "without 1": a number is never meant so, and `IpProtocol -1` becomes the term the index
     holds for it (generator/search.py: ipprotocolall).
   - Japanese: a word no page uses becomes the one they use (既定 -> デフォルト), and a query written without
     spaces is cut where the script changes, dropping particles (既定のセキュリティグループ ->
     デフォルト セキュリティグループ): Material's search finds space-separated Japanese words. */
(function () {
  "use strict";
  var QUERY = 2;  /* Material's SearchMessageType.QUERY */
  var SYNONYMS = { "既定": "デフォルト" };
  var PARTICLES = ["の", "を", "は", "が", "に", "で", "と", "へ", "も", "や", "から", "まで", "より"];
  var SCRIPT = /(\p{sc=Han}+|[\p{sc=Katakana}ー]+|\p{sc=Hiragana}+|[^\p{sc=Han}\p{sc=Katakana}\p{sc=Hiragana}ー]+)/gu;

  function rewrite(query) {
    query = query
      .replace(/\bipprotocol\b\s*[:=]?\s*["']?-1["']?/gi, "ipprotocolall")
      .replace(/(^|\s)-(?=\d)/g, "$1");
    Object.keys(SYNONYMS).forEach(function (word) {
      query = query.split(word).join(" " + SYNONYMS[word] + " ");
    });
    if (/[\p{sc=Han}\p{sc=Katakana}\p{sc=Hiragana}]/u.test(query)) {
      query = (query.match(SCRIPT) || []).filter(function (part) {
        return PARTICLES.indexOf(part.trim()) === -1;
      }).join(" ");
    }
    return query.replace(/\s+/g, " ").trim();
  }

  window.rulebaseSearchQuery = rewrite;  /* for the tests */
  if (typeof Worker === "undefined") return;
  var post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message) {
    if (message && message.type === QUERY && typeof message.data === "string") {
      var args = Array.prototype.slice.call(arguments);
      args[0] = { type: message.type, data: rewrite(message.data) };
      return post.apply(this, args);
    }
    return post.apply(this, arguments);
  };
})();

/* rulebase: the language selector keeps the place: the section (#remediation) and the index's filters. */
document.addEventListener("click", function (event) {
  "use strict";
  var link = event.target instanceof Element ? event.target.closest("a[data-rb-language]") : null;
  if (!link) return;
  var url = new URL(link.getAttribute("href"), window.location.href);
  url.search = window.location.search;
  url.hash = window.location.hash;
  link.setAttribute("href", url.pathname + url.search + url.hash);
}, true);
