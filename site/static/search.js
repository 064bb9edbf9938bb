// claimbase site search: reads the sharded index written by `claims site build` (search/*.js).
// Data files are loaded with <script> elements, which also works for a site opened from disk.
// Results are built with DOM methods and textContent only: no note text is parsed as HTML.
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "";
  var loaded = {};
  var state = { meta: null, shards: {}, docs: {}, delta: null };
  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+/g;
  var WORD = /[\p{L}\p{N}\p{Mn}\p{Mc}]+/gu;
  var SAFE_HREF = /^[a-z0-9][a-z0-9\/._-]*\.html$/;
  var LIMIT = 50;

  window.CB_SEARCH = {
    meta: function (m) { state.meta = m; },
    shard: function (key, data) { state.shards[key] = data; },
    docs: function (n, list) { state.docs[n] = list; },
    delta: function (d) { state.delta = d; }
  };

  function load(path) {
    if (!loaded[path]) {
      loaded[path] = new Promise(function (resolve) {
        var s = document.createElement("script");
        s.src = root + path;
        s.onload = function () { resolve(true); };
        s.onerror = function () { resolve(false); };  // a missing shard means: no such words
        document.head.appendChild(s);
      });
    }
    return loaded[path];
  }

  function words(text) {
    var low = text.toLowerCase().normalize("NFKD").replace(MARKS, "");
    var found = low.match(WORD) || [];
    var seen = {};
    return found.filter(function (w) {
      if (w.length < 2 || w.length > 40 || seen[w]) return false;
      seen[w] = true;
      return true;
    });
  }

  function shardKey(word) {
    var slug = /[a-z0-9]/;
    var a = word.charAt(0), b = word.charAt(1);
    if (slug.test(a)) return a + (slug.test(b) ? b : "_");
    return "u" + word.codePointAt(0).toString(16);
  }

  function decode(gaps) {
    var out = new Array(gaps.length), x = 0;
    for (var i = 0; i < gaps.length; i++) { x += gaps[i]; out[i] = x; }
    return out;
  }

  // scores: id -> points for one query word, from one index part (a shard or the delta)
  function collect(part, word, prefix, scores, skip) {
    if (!part) return;
    [["t", 3], ["b", 1]].forEach(function (pair) {
      var table = part[pair[0]] || {};
      var names = prefix ? Object.keys(table).filter(function (w) { return w.lastIndexOf(word, 0) === 0; }) : (table[word] ? [word] : []);
      names.forEach(function (w) {
        var bonus = w === word ? 1 : 0;
        decode(table[w]).forEach(function (id) {
          if (skip && skip[id]) return;
          var points = pair[1] + bonus;
          if (!scores[id] || scores[id] < points) scores[id] = points;
        });
      });
    });
  }

  function search(query) {
    var meta = state.meta;
    var stop = {};
    (meta.stop || []).forEach(function (w) { stop[w] = true; });
    var terms = words(query).filter(function (w) { return !stop[w]; });
    if (!terms.length) return Promise.resolve({ terms: terms, hits: [] });
    var keys = {};
    terms.forEach(function (w) { keys[shardKey(w)] = true; });
    return Promise.all(Object.keys(keys).map(function (k) { return load("search/t/" + k + ".js"); })).then(function () {
      var delta = state.delta || { removed: [], t: {}, b: {} };
      var skip = {};
      (delta.removed || []).forEach(function (id) { skip[id] = true; });
      var total = null;
      terms.forEach(function (w, i) {
        var prefix = i === terms.length - 1;
        var scores = {};
        collect(state.shards[shardKey(w)], w, prefix, scores, skip);
        collect(delta, w, prefix, scores, null);
        if (total === null) { total = scores; return; }
        var next = {};
        Object.keys(total).forEach(function (id) { if (scores[id]) next[id] = total[id] + scores[id]; });
        total = next;
      });
      var hits = Object.keys(total || {}).map(function (id) { return { id: +id, score: total[id] }; });
      hits.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
      return { terms: terms, hits: hits };
    });
  }

  function docOf(id) {
    var per = state.meta.docsPerShard;
    var list = state.docs[Math.floor(id / per)];
    return list ? list[id % per] : null;
  }

  function show(result, statusEl, listEl) {
    var top = result.hits.slice(0, LIMIT);
    var per = state.meta.docsPerShard;
    var shards = {};
    top.forEach(function (h) { shards[Math.floor(h.id / per)] = true; });
    return Promise.all(Object.keys(shards).map(function (n) { return load("search/d/" + n + ".js"); })).then(function () {
      while (listEl.firstChild) listEl.removeChild(listEl.firstChild);
      var shown = 0;
      top.forEach(function (h) {
        var doc = docOf(h.id);
        if (!doc || !SAFE_HREF.test(doc[1])) return;
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + doc[1];
        a.textContent = doc[0];
        li.appendChild(a);
        var meta = document.createElement("span");
        meta.className = "meta";
        meta.textContent = " · " + doc[2] + (doc[3] && doc[3] !== "in" && doc[3] !== "out" ? " · " + doc[3] : "");
        li.appendChild(meta);
        if (doc[4]) {
          var p = document.createElement("p");
          p.textContent = doc[4];
          li.appendChild(p);
        }
        listEl.appendChild(li);
        shown++;
      });
      var n = result.hits.length;
      statusEl.textContent = n === 0 ? "No notes match." :
        (n + " note" + (n === 1 ? "" : "s") + " match" + (n === 1 ? "es" : "") + (n > shown ? "; the best " + shown + " are shown." : "."));
    });
  }

  function start() {
    var input = document.getElementById("search-q");
    var statusEl = document.getElementById("search-status");
    var listEl = document.getElementById("search-results");
    if (!input || !statusEl || !listEl) return;
    var params = new URLSearchParams(window.location.search);
    var initial = params.get("q") || "";
    input.value = initial;
    var header = document.getElementById("site-search");
    if (header) header.value = initial;
    var pending = 0;
    function run() {
      var q = input.value;
      var ticket = ++pending;
      if (!q.trim()) { statusEl.textContent = ""; while (listEl.firstChild) listEl.removeChild(listEl.firstChild); return; }
      statusEl.textContent = "Searching…";
      search(q).then(function (result) {
        if (ticket !== pending) return null;
        if (!result.terms.length) { statusEl.textContent = "Type a longer or less common word."; return null; }
        return show(result, statusEl, listEl);
      });
    }
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 150);
    });
    Promise.all([load("search/meta.js"), load("search/delta.js")]).then(function (ok) {
      if (!ok[0] || !state.meta) { statusEl.textContent = "The search index is missing; rebuild the site."; return; }
      run();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
