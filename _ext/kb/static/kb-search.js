/* The search page: Pagefind's default UI (from the bundle Pagefind writes into the site),
 * fed by ?q= from the theme's search box and Ctrl+K dialog. See _ext/kb/search.py. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const root = document.getElementById("kb-search");
  if (!root) return;
  if (window.location.protocol === "file:") {
    // A chunked index cannot be fetched from disk: say how to get search instead.
    document.getElementById("kb-search-offline").hidden = false;
    return;
  }
  const params = new URLSearchParams(window.location.search);
  const sortSelect = document.getElementById("kb-search-sort");
  sortSelect.parentElement.hidden = false;
  sortSelect.value = params.get("sort") || "";
  // Pagefind records URLs from the site's root; the site may be served under a sub-path.
  const baseUrl = new URL(root.dataset.root || "./", window.location.href).pathname;
  // An item's title heading carries the item's anchor + "--title" (so Pagefind makes the
  // item a sub-result); link to the item's own anchor.
  const itemAnchor = (url) => url.replace(/--title$/, "");
  const processResult = (result) => {
    result.url = itemAnchor(result.url);
    for (const sub of result.sub_results || []) sub.url = itemAnchor(sub.url);
    return result;
  };
  let ui = null;
  const start = (term) => {
    const sort = sortSelect.value ? Object.fromEntries([sortSelect.value.split(":")]) : null;
    if (ui) ui.destroy();
    ui = new PagefindUI({
      element: root,
      // an absolute path: the UI imports pagefind.js from it
      bundlePath: new URL(root.dataset.bundle, window.location.href).pathname,
      baseUrl: baseUrl,
      showSubResults: true,
      showImages: false,
      excerptLength: 24,
      // the topics open beside the results; on a phone (filters above results) closed
      openFilters: window.matchMedia("(min-width: 40rem)").matches ? ["topic"] : [],
      showEmptyFilters: false,
      sort: sort,
      processResult: processResult,
      autofocus: !term,
    });
    // Pagefind's input has only a placeholder and a title: give it the visible label above
    const box = root.querySelector("input.pagefind-ui__search-input");
    if (box) box.id = "kb-search-input";
    if (term) ui.triggerSearch(term);
  };
  // Result titles are styled paragraphs: make them headings for screen readers (a page's
  // results at level 2, its items' sub-results at level 3), as axe-core's p-as-heading asks.
  new MutationObserver(() => {
    for (const title of root.querySelectorAll("p.pagefind-ui__result-title:not([role])")) {
      title.setAttribute("role", "heading");
      title.setAttribute("aria-level", title.closest(".pagefind-ui__result-nested") ? "3" : "2");
    }
  }).observe(root, { childList: true, subtree: true });
  start(params.get("q") || "");
  const input = () => root.querySelector("input.pagefind-ui__search-input");
  sortSelect.addEventListener("change", () => {
    const term = input() ? input().value : "";
    const url = new URL(window.location.href);
    if (sortSelect.value) url.searchParams.set("sort", sortSelect.value);
    else url.searchParams.delete("sort");
    if (term) url.searchParams.set("q", term);
    window.history.replaceState(null, "", url);
    start(term);
  });
  // Keep ?q= in step with the box, so a search can be bookmarked and the back button works.
  root.addEventListener("input", (event) => {
    if (!event.target.matches("input.pagefind-ui__search-input")) return;
    const url = new URL(window.location.href);
    if (event.target.value) url.searchParams.set("q", event.target.value);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  });
});
