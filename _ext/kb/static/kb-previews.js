/* Hover and focus previews of knowledge-base links (see _ext/kb/previews.py).
 *
 * Each internal link in the page's text whose target has a preview gets a tippy.js
 * tooltip: on hover and on keyboard focus; Escape dismisses it; on a touch screen
 * the first tap previews and the second follows the link. The preview data is in
 * _static/kb-previews/, one small script per target page (or bucket of papers),
 * loaded on first use. Everything is inserted as text, never as HTML.
 */
(function () {
  "use strict";
  var FOLDER = "_static/kb-previews/";
  var PAPER_BUCKETS = 32;  // previews.PAPER_BUCKETS
  var PAGE_ANCHOR = "kb-page-start";  // model.PAGE_ANCHOR
  var data = {};      // file name -> its data
  var waiting = {};   // file name -> callbacks waiting for it
  var root = null;    // the site's root URL

  window.kbPreviewData = function (name, value) {
    data[name] = value;
    (waiting[name] || []).forEach(function (callback) { callback(); });
    delete waiting[name];
  };

  function load(name, callback) {
    if (data[name] !== undefined) { callback(); return; }
    if (waiting[name]) { waiting[name].push(callback); return; }
    waiting[name] = [callback];
    var tag = document.createElement("script");
    tag.src = new URL(FOLDER + name + ".js", root).href;
    tag.async = true;
    tag.onerror = function () { window.kbPreviewData(name, null); };
    document.head.appendChild(tag);
  }

  function bucket(anchor) {
    var sum = 0;
    for (var i = 0; i < anchor.length; i++) { sum += anchor.charCodeAt(i); }
    return sum % PAPER_BUCKETS;
  }

  /* The docname and anchor a link points to, or null for a link outside the site. */
  function target(link) {
    var url = new URL(link.href, document.baseURI);
    if (url.origin !== root.origin || url.pathname.indexOf(root.pathname) !== 0) { return null; }
    var path = decodeURIComponent(url.pathname.slice(root.pathname.length));
    if (!/\.html$/.test(path)) { return null; }
    return { docname: path.replace(/\.html$/, ""), anchor: decodeURIComponent(url.hash.slice(1)) };
  }

  /* The preview of a target, once its file is loaded: an object, or null. */
  function lookup(found) {
    var page = data["pages/" + found.docname];
    var anchor = found.anchor === PAGE_ANCHOR ? "" : found.anchor;
    if (page && page[anchor]) { return page[anchor]; }
    var papers = data["papers/" + bucket(found.anchor)];
    var paper = papers && found.anchor && papers[found.anchor];
    return paper && paper.page === found.docname ? paper : null;
  }

  function files(found) {
    var names = ["pages/" + found.docname];
    if (found.anchor && found.anchor !== PAGE_ANCHOR) { names.push("papers/" + bucket(found.anchor)); }
    return names;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function card(preview) {
    var box = element("div", "kb-preview");
    var kind = preview.kind + (preview.date ? " · " + preview.date : "");
    box.appendChild(element("p", "kb-preview-kind", kind));
    box.appendChild(element("p", "kb-preview-title", preview.title));
    if (preview.venue !== undefined) {  // a cited work: its authors (cut), where it appeared
      if (preview.authors) { box.appendChild(element("p", "kb-preview-authors", preview.authors)); }
      if (preview.venue) { box.appendChild(element("p", "kb-preview-venue", preview.venue)); }
      box.appendChild(element("p", "kb-preview-count", preview.count === 1
        ? "Discussed in 1 item." : "Discussed in " + preview.count + " items."));
      return box;
    }
    if (preview.page) { box.appendChild(element("p", "kb-preview-page", "In " + preview.page)); }
    if (preview.text) { box.appendChild(element("p", "kb-preview-text", preview.text)); }
    if (preview.count !== undefined) {
      box.appendChild(element("p", "kb-preview-count", preview.count === 1
        ? "1 entry." : preview.count + " entries."));
    }
    if (preview.topics && preview.topics.length) {
      box.appendChild(element("p", "kb-preview-topics", "Topics: " + preview.topics.join(", ")));
    }
    return box;
  }

  function attach(link, found) {
    var touched = false;   // this tap started on the link while its preview was hidden
    var pending = false;   // asked to show while its data was loading
    var tapped = false;    // the first tap was held back to show a card
    var instance = window.tippy(link, {
      content: "",
      allowHTML: false,
      trigger: "mouseenter focus",
      touch: true,
      hideOnClick: false,
      // below the link, or above it where it does not fit below: never over it. The card's
      // height is bounded (kb-previews.css), so on a phone it fits above or below any link
      // on screen; it may be pushed sideways, never across the link (no altAxis)
      placement: "bottom-start",
      offset: [0, 6],
      maxWidth: "min(22rem, calc(100vw - 16px))",
      theme: "kb",
      duration: [120, 80],
      // inside the page's main landmark, so the card is part of the content it describes;
      // positioned fixed, so no scrolling container clips it
      appendTo: function () { return link.closest("main, [role=main]") || document.body; },
      popperOptions: {
        strategy: "fixed",
        modifiers: [{ name: "preventOverflow", options: { padding: 8, altAxis: false } },
                    { name: "flip", options: { padding: 8,
                                               fallbackPlacements: ["top-start", "bottom-start"] } }]
      },
      onShow: function (tip) {
        var preview = lookup(found);
        // the card replaces the browser's own tooltip (a link's title), not adds to it
        if (preview) { tip.setContent(card(preview)); link.removeAttribute("title"); return; }
        var names = files(found), left = names.length;
        names.forEach(function (name) {
          load(name, function () {
            left -= 1;
            if (left) { return; }
            var loaded = lookup(found);
            if (loaded && pending) { tip.setContent(card(loaded)); tip.show(); }
            // a page without a card (an ordinary page): the held-back tap follows the link
            else if (!loaded && tapped) { window.location.assign(link.href); }
            pending = false;
            tapped = false;
          });
        });
        pending = true;
        return false;  // shown once the data is in
      }
    });
    link.addEventListener("mouseleave", function () { pending = false; });
    link.addEventListener("blur", function () { pending = false; });
    link.addEventListener("touchstart", function () {
      touched = !instance.state.isVisible;
    }, { passive: true });
    link.addEventListener("click", function (event) {
      if (touched) {  // first tap: preview; the next tap follows the link
        touched = false;
        tapped = true;
        event.preventDefault();
        instance.show();
      }
    });
    return instance;
  }

  function start() {
    if (!window.tippy) { return; }
    root = new URL(document.documentElement.dataset.content_root || "./", document.baseURI);
    // the article itself, not the first of these in the page: the book theme's <main
    // role=main> comes first and holds the page's contents list too, whose links (moved into
    // the phone's "Contents" dialog) have no card to show and must follow on the first tap
    var article = document.querySelector("article") || document.querySelector("[role=main]")
      || document.querySelector(".body") || document.body;
    var links = article.querySelectorAll("a.reference.internal[href]");
    for (var i = 0; i < links.length; i++) {
      // a letter or year of this index, the parts of a split list and the way between them:
      // pages of a list, which have no card (and no preview file) of their own
      if (links[i].closest(".kb-jump-bar, .kb-parts-list, .kb-part-of")) { continue; }
      var found = target(links[i]);
      if (found) { links[i].classList.add("kb-previewable"); attach(links[i], found); }
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { window.tippy.hideAll({ duration: 0 }); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
