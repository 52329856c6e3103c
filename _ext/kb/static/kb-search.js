/* The search page: a small interface on Pagefind's JavaScript API (pagefind/pagefind.js, from
 * the bundle Pagefind writes into the site), fed by ?q= from the theme's search box and its
 * Ctrl+K dialog. See _ext/kb/search.py.
 *
 * Why not Pagefind's default UI: it asks for every filter's index as it starts, and its code,
 * style and web worker come on top; at 2,000 pages that was 256 KB (gzip) before a first
 * result. Here a query fetches Pagefind's engine (pagefind.js and its WebAssembly), the index
 * chunks of its words and the fragments of the results shown; the filters' indexes load
 * when the reader opens the filters (or the address asks for one), and the engine runs on
 * the page, without a worker.
 *
 * The address keeps the search: ?q=words&sort=date:desc&filter=topic:Name (repeatable), so a
 * search can be bookmarked, shared and reached with the back button.
 *
 * Two things Pagefind does that a reader should not see:
 * - a word that begins no indexed word is matched to the longest indexed word it begins with
 *   (find_word_extensions in Pagefind's search.rs): "blockchain" finds "block", "zzzqqq"
 *   finds the letter "Z". No option turns this off, so the page checks the words the
 *   results matched: when, for some word of the query, none of them begins with the same
 *   SIMILAR_LETTERS letters (SIMILAR_SHARE of them, for a shorter word), it says "No
 *   results" and suggests topics. Pagefind compares stems, which English stemming rarely
 *   cuts shorter than that ("optimization" finds "optimised": "optimi"), while a fallback
 *   rarely shares as much ("block"); a typo near the end still finds its word
 *   ("transformrs": "Transformers").
 * - sorting by a key leaves out the pages that have none (the topics, the indexes): the
 *   date order lists the dated results, then the undated ones, best match first, and says so.
 * Everything shown is built as DOM nodes from text; an excerpt keeps only Pagefind's <mark>
 * highlights, so no page's text can become markup here. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const root = document.getElementById("kb-search");
  if (!root) return;
  if (window.location.protocol === "file:") {
    // A chunked index cannot be fetched from disk: say how to get search instead.
    document.getElementById("kb-search-offline").hidden = false;
    return;
  }
  const PAGE_SIZE = 5; // results shown at once (each fetches its fragment), as Pagefind's own UI
  const SUB_RESULTS = 3; // items shown under a page's result
  const DEBOUNCE_MS = 250; // typing: wait this long after the last key
  const FILTERS = { topic: "Topic", kind: "Kind", year: "Year", series: "Series" };
  const SIMILAR_LETTERS = 6; // a matched word begins with this many of a query word's letters
  const SIMILAR_SHARE = 0.7; // or with this share of them, for a word shorter than 9 letters
  const byId = (id) => document.getElementById(id);
  const form = byId("kb-search-form");
  const input = byId("kb-search-input");
  const sortSelect = byId("kb-search-sort");
  const panel = byId("kb-search-filters");
  const groups = byId("kb-search-filter-groups");
  const chosenNote = byId("kb-search-chosen");
  const status = byId("kb-search-status");
  const list = byId("kb-search-results");
  const more = byId("kb-search-more");
  const suggestions = byId("kb-search-suggestions");
  form.hidden = false;

  // Pagefind records URLs from the site's root; the site may be served under a sub-path.
  const baseUrl = new URL(root.dataset.root || "./", window.location.href).pathname;
  const bundle = new URL(root.dataset.bundle, window.location.href).href;
  // An item's title heading carries the item's anchor + "--title" (so Pagefind makes the
  // item a sub-result); link to the item's own anchor.
  const itemAnchor = (url) => url.replace(/--title$/, "");

  // -- the state, read from and written to the address ----------------------------------
  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  const sortWanted = params.get("sort") || "";
  sortSelect.value = [...sortSelect.options].some((o) => o.value === sortWanted) ? sortWanted : "";
  const chosen = {}; // filter -> Set of values
  for (const name of Object.keys(FILTERS)) chosen[name] = new Set();
  for (const pair of params.getAll("filter")) {
    const colon = pair.indexOf(":");
    const name = pair.slice(0, colon);
    if (colon > 0 && name in chosen) chosen[name].add(pair.slice(colon + 1));
  }
  const chosenFilters = () => {
    const filters = {};
    for (const [name, values] of Object.entries(chosen)) {
      if (values.size) filters[name] = { any: [...values] };
    }
    return filters;
  };
  const chosenCount = () => Object.values(chosen).reduce((sum, values) => sum + values.size, 0);
  const sortOption = () => (sortSelect.value ? Object.fromEntries([sortSelect.value.split(":")]) : {});
  const keepInAddress = () => {
    const url = new URL(window.location.href);
    for (const key of ["q", "sort", "filter"]) url.searchParams.delete(key);
    if (input.value.trim()) url.searchParams.set("q", input.value.trim());
    if (sortSelect.value) url.searchParams.set("sort", sortSelect.value);
    for (const [name, values] of Object.entries(chosen)) {
      for (const value of values) url.searchParams.append("filter", `${name}:${value}`);
    }
    window.history.replaceState(null, "", url);
  };

  // -- the engine, imported on first use ------------------------------------------------
  let engine = null;
  const pagefind = () => {
    engine = engine || import(bundle + "pagefind.js").then(async (module) => {
      await module.options({ baseUrl: baseUrl, excerptLength: 24, noWorker: true });
      return module;
    });
    return engine;
  };

  // -- whether the results answer the words searched ------------------------------------
  // Words as Pagefind compares them: lower case, without accents; a compound word
  // ("AlphaFold-Multimer") counts whole and by its parts.
  const letters = (text) => text.toLowerCase().normalize("NFKD").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  const queryWords = (term) => letters(term).split(" ").filter(Boolean);
  const wordForms = (word) => {
    const parts = letters(word).split(" ").filter(Boolean);
    return parts.length > 1 ? [...parts, parts.join("")] : parts;
  };
  const sharedStart = (a, b) => {
    let n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n += 1;
    return n;
  };
  const answers = (wanted, word) => sharedStart(wanted, word)
    >= Math.min(wanted.length, Math.ceil(SIMILAR_SHARE * wanted.length), SIMILAR_LETTERS);
  // the words a result matched: its locations in its text (split as Pagefind splits it for
  // its excerpts), and its title, for a match in the title alone
  const matchedWords = (data) => {
    const words = (data.content || "").split(/[\r\n\s]+/g);
    const found = (data.locations || []).map((at) => words[at] || "");
    found.push(...((data.meta && data.meta.title) || "").split(/\s+/));
    return found.flatMap(wordForms);
  };
  // Pagefind falls back for a word across the whole index, so the first results tell
  const meaningful = (term, batch) => {
    const matched = batch.flatMap(matchedWords);
    return queryWords(term).every((wanted) => matched.some((word) => answers(wanted, word)));
  };

  // -- building the results -------------------------------------------------------------
  const element = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const link = (url, text) => {
    const anchor = element("a", "kb-search-link", text);
    anchor.href = itemAnchor(url);
    return anchor;
  };
  // Pagefind's excerpt is text with <mark> around the words found: keep those, as text.
  const excerpt = (markup) => {
    const paragraph = element("p", "kb-search-excerpt");
    const parsed = document.createElement("template"); // inert: nothing in it runs or loads
    parsed.innerHTML = markup || "";
    for (const node of parsed.content.childNodes) {
      if (node.nodeName === "MARK") paragraph.append(element("mark", "", node.textContent));
      else paragraph.append(node.textContent);
    }
    return paragraph;
  };
  const resultItem = (data) => {
    const item = element("li", "kb-search-result");
    const title = element("h2", "kb-search-result-title");
    title.append(link(data.url, (data.meta && data.meta.title) || data.url));
    item.append(title, excerpt(data.excerpt));
    const subs = (data.sub_results || [])
      .filter((sub) => sub.url !== data.url && sub.url.includes("#"))
      .sort((a, b) => (b.locations || []).length - (a.locations || []).length)
      .slice(0, SUB_RESULTS);
    if (subs.length) {
      const nested = element("ul", "kb-search-subresults");
      for (const sub of subs) {
        const entry = element("li", "kb-search-subresult");
        const heading = element("h3", "kb-search-result-title");
        heading.append(link(sub.url, sub.title));
        entry.append(heading, excerpt(sub.excerpt));
        nested.append(entry);
      }
      item.append(nested);
    }
    return item;
  };

  // -- the filters, loaded when the panel opens -----------------------------------------
  let filtersShown = null; // a promise, once the panel has been opened
  let totals = {}; // filter -> value -> pages, over the whole site
  const counts = { now: {} }; // the counts to show: of the current results, or the totals
  const renderFilters = (available) => {
    groups.replaceChildren();
    for (const [name, legendText] of Object.entries(FILTERS)) {
      const values = Object.keys(available[name] || {});
      for (const value of chosen[name]) if (!values.includes(value)) values.push(value);
      if (!values.length) continue;
      // the values chosen first (in view, not scrolled away), then A to Z (years newest first)
      values.sort((a, b) => (chosen[name].has(b) - chosen[name].has(a))
        || (name === "year" ? b.localeCompare(a) : a.localeCompare(b)));
      const fieldset = element("fieldset", "kb-search-filter");
      fieldset.append(element("legend", "", legendText));
      const options = element("div", "kb-search-options");
      for (const value of values) {
        const label = element("label", "kb-search-option");
        const box = element("input");
        box.type = "checkbox";
        box.name = name;
        box.value = value;
        box.checked = chosen[name].has(value);
        // the label's text is "Name (count)": the name a screen reader reads out
        label.append(box, value, " ", element("span", "kb-search-count"));
        options.append(label);
      }
      fieldset.append(options);
      groups.append(fieldset);
    }
    showCounts();
  };
  const showCounts = () => {
    for (const box of groups.querySelectorAll("input[type=checkbox]")) {
      const count = (counts.now[box.name] || {})[box.value] || 0;
      box.parentElement.querySelector(".kb-search-count").textContent = `(${count})`;
      box.parentElement.hidden = count === 0 && !box.checked;
    }
    const n = chosenCount();
    chosenNote.textContent = n ? ` (${n} chosen)` : "";
  };
  const openFilters = () => {
    filtersShown = filtersShown || pagefind()
      .then((module) => module.filters())
      .then((available) => {
        totals = available;
        if (!current) counts.now = available;
        renderFilters(available);
        if (current) search(true); // counts for the results shown need the loaded indexes
      })
      .catch(() => {
        groups.replaceChildren(element("p", "kb-search-note", "The filters could not be loaded."));
      });
    return filtersShown;
  };
  panel.addEventListener("toggle", () => {
    if (panel.open) openFilters();
  });
  groups.addEventListener("change", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !(box.name in chosen)) return;
    if (box.checked) chosen[box.name].add(box.value);
    else chosen[box.name].delete(box.value);
    search(true);
  });

  // -- searching ------------------------------------------------------------------------
  let current = null; // Pagefind's response for the search shown
  let shown = 0;
  let generation = 0; // a newer search makes the results of an older one stale
  const busy = (on) => {
    if (on) list.setAttribute("aria-busy", "true");
    else list.removeAttribute("aria-busy");
  };
  const describe = (response, term) => {
    const n = response.results.length;
    const found = `${n} ${n === 1 ? "result" : "results"}`;
    const words = term ? ` for “${term}”` : "";
    const filtered = chosenCount() ? `, filtered by ${chosenCount()} chosen` : "";
    if (!n) return `No results${words}${filtered}. Check the spelling, or use fewer words or filters; or browse the topics below.`;
    if (!sortSelect.value) return `${found}${words}${filtered}`;
    const order = sortSelect.value === "date:asc" ? "oldest first" : "newest first";
    const undated = response.undated;
    if (!undated) return `${found}${words}${filtered}, ${order}`;
    const dated = n - undated;
    const those = undated === 1 ? "the 1 result without a date (a topic or index page) comes"
      : `the ${undated} results without a date (topic and index pages) come`;
    return `${found}${words}${filtered}: ${dated} by date, ${order}; ${those} after them, best match first`;
  };
  // Pagefind's sort leaves out the pages without the key: the dated results in date order,
  // then the others in the order of the best match
  const inDateOrder = (sorted, everything) => {
    const dated = new Set(sorted.results.map((result) => result.id));
    const undated = everything.results.filter((result) => !dated.has(result.id));
    return { results: [...sorted.results, ...undated], filters: everything.filters,
      undated: undated.length };
  };
  const nextBatch = () => Promise.all(
    current.results.slice(shown, shown + PAGE_SIZE).map((result) => result.data()));
  const showMore = async (mine, loaded) => {
    const data = loaded || await nextBatch();
    if (mine !== generation) return null;
    const added = data.map(resultItem);
    list.append(...added);
    shown += data.length;
    more.hidden = shown >= current.results.length;
    return added[0] || null;
  };
  async function search(now) {
    const mine = ++generation;
    const term = input.value.trim();
    keepInAddress();
    suggestions.hidden = true;
    if (!term && !chosenCount()) {
      current = null;
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "";
      busy(false);
      counts.now = totals;
      if (filtersShown) showCounts();
      return;
    }
    busy(true);
    status.textContent = "Searching…";
    let response;
    try {
      const module = await pagefind();
      const options = { filters: chosenFilters(), sort: sortOption() };
      // words or none: with filters only, every page they select
      response = now ? await module.search(term || null, options)
        : await module.debouncedSearch(term || null, options, DEBOUNCE_MS);
      if (response !== null && mine === generation && sortSelect.value) {
        response = inDateOrder(response, await module.search(term || null,
          { filters: chosenFilters() }));
      }
    } catch (error) {
      if (mine === generation) {
        status.textContent = "The search index could not be loaded. Reload the page to try again.";
        busy(false);
      }
      throw error;
    }
    if (response === null || mine !== generation) return; // a newer search took over
    current = response;
    shown = 0;
    const first = await nextBatch();
    if (mine !== generation) return;
    if (term && first.length && !meaningful(term, first)) {
      current = { results: [], filters: {}, undated: 0 };
      first.length = 0;
    }
    list.replaceChildren();
    await showMore(mine, first);
    if (mine !== generation) return;
    suggestions.hidden = current.results.length > 0;
    if (filtersShown) {
      counts.now = current.filters || {};
      showCounts();
    }
    status.textContent = describe(current, term);
    busy(false);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search(true);
  });
  input.addEventListener("input", () => search(false));
  sortSelect.addEventListener("change", () => search(true));
  more.addEventListener("click", async () => {
    const first = await showMore(generation);
    // keyboard and screen-reader users land on the first new result
    if (first) first.querySelector("a").focus();
  });

  if (chosenCount()) panel.open = true; // the address asked for filters: show them
  if (input.value.trim() || chosenCount()) search(true);
  else input.focus();
});
