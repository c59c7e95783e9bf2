/* rulebase: the filters of the catalog index. Each row carries its values as data- attributes
   (severity, kind, platform, category, frameworks, text); the form hides the rows that do not match
   and keeps the filters in the address, so a filtered list can be shared. */
(function () {
  "use strict";

  /* The generator folds the rows' text the same way (generator/index_page.py: fold). */
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
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
      count.textContent = template.replace("{shown}", shown).replace("{total}", rows.length);
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
