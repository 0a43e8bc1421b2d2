/* sitegen default theme: the search page.
   Runs right after Pagefind's Component UI script, both placed after the <pagefind-*>
   elements: the elements have connected to the "default" instance, whose bundle path
   <pagefind-config bundle-path> set from the site's base path, and nothing has loaded
   the index yet (that waits for a search). data-bundles lists every bundle, primary
   first; when the archive is indexed in shards the others are merged into the same
   search here (Pagefind's mergeIndex), the way <pagefind-config> sets its options.
   The page reads ?q= (the masthead form is a plain GET form) and keeps ?q= in step with
   what is searched, so a search can be reloaded, shared and reached with Back. */
(function () {
  "use strict";
  var script = document.currentScript;
  var bundles = ((script && script.getAttribute("data-bundles")) || "").split(" ").filter(Boolean);
  var page = document.querySelector("[data-search-page]");
  var components = window.PagefindComponents;
  if (!page) return;
  if (!components) {
    // The bundle did not load (a build without the index): say so instead of a dead box.
    page.querySelector("[data-search-unavailable]").hidden = false;
    return;
  }
  var instance = components.getInstanceManager().getInstance("default");
  instance.options.mergeIndex = bundles.slice(1).map(function (path) { return { bundlePath: path }; });

  var empty = page.querySelector("[data-search-empty]");
  var term = "";

  function keepQueryInUrl() {
    if (!window.history || !history.replaceState) return;
    var params = new URLSearchParams(location.search);
    if (term) params.set("q", term); else params.delete("q");
    var query = params.toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  instance.on("search", function (searched) {
    term = (searched || "").trim();
    keepQueryInUrl();
  });
  instance.on("results", function (result) {
    var count = result && result.results ? result.results.length : 0;
    empty.hidden = !(term && count === 0);
  });
  instance.on("error", function () {
    page.querySelector("[data-search-unavailable]").hidden = false;
  });

  // Two gaps in Pagefind 1.5.2's filter dropdowns: the trigger (a button with role
  // combobox) has no accessible name, since a combobox is not named by its text, and each
  // option is named "Nasional, 3 results" in English whatever the page language. Name
  // them here, with the instance's own translated strings ("Rubrik, 1 dipilih", "3 hasil").
  var filters = page.querySelector(".search-filters");
  function setLabel(el, label) {
    if (el.getAttribute("aria-label") !== label) el.setAttribute("aria-label", label);
  }
  function relabelOptions() {
    var dropdowns = filters.querySelectorAll("pagefind-filter-dropdown[label]");
    for (var d = 0; d < dropdowns.length; d++) {
      var trigger = dropdowns[d].querySelector("[role=combobox]");
      if (!trigger) continue;
      var badge = trigger.querySelector(".pf-dropdown-selected-badge");
      var picked = badge && !badge.hasAttribute("data-pf-hidden") ? parseInt(badge.textContent, 10) : 0;
      setLabel(trigger, dropdowns[d].getAttribute("label") + (picked > 0 ? ", " +
        instance.translate(picked === 1 ? "filter_selected_one" : "filter_selected_many", { COUNT: picked }) : ""));
    }
    var options = filters.querySelectorAll("[role=option][data-value]");
    for (var i = 0; i < options.length; i++) {
      var count = options[i].querySelector(".pf-dropdown-option-count");
      var n = count ? parseInt(count.textContent, 10) : NaN;
      if (isNaN(n)) continue;
      setLabel(options[i], options[i].getAttribute("data-value") + ", " +
        instance.translate(n === 1 ? "total_one_result" : "total_many_results", { COUNT: n }));
    }
  }
  if (filters) {
    relabelOptions();
    if (window.MutationObserver) {
      new MutationObserver(relabelOptions).observe(filters, {
        subtree: true, childList: true, characterData: true, attributes: true,
        attributeFilter: ["aria-label", "data-pf-hidden"]
      });
    }
  }

  var query = (new URLSearchParams(location.search).get("q") || "").trim();
  if (query) instance.triggerSearch(query);
})();
