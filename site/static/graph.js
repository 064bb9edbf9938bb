// claimbase site: the whole graph on a canvas.  Positions come from the server-side layout in
// graph/data.js (integers 0..10000); this script only draws, pans, zooms and looks up the dot
// under the pointer through a grid, so it stays responsive at 10,000 notes.
(function () {
  "use strict";
  var G = window.CB_GRAPH;
  var canvas = document.getElementById("graph-canvas");
  var tip = document.getElementById("graph-tip");
  if (!G || !canvas || !canvas.getContext) return;
  var root = document.body.getAttribute("data-root") || "";
  var ctx = canvas.getContext("2d");
  var n = G.x.length;
  var WORLD = 10000, CELL = 200, CELLS = WORLD / CELL + 1, LABELS_BELOW = 150;
  var view = { s: 1, x: 0, y: 0 };
  var selected = -1, hovered = -1;
  var showEdges = false;
  var degree = new Int32Array(n);
  for (var e = 0; e < G.e.length; e += 3) { degree[G.e[e]]++; degree[G.e[e + 1]]++; }

  var grid = new Array(CELLS * CELLS);
  for (var i = 0; i < n; i++) {
    var c = Math.floor(G.x[i] / CELL) * CELLS + Math.floor(G.y[i] / CELL);
    (grid[c] || (grid[c] = [])).push(i);
  }

  function colours() {
    var css = getComputedStyle(document.documentElement);
    var v = function (name) { return css.getPropertyValue(name).trim() || "#888"; };
    return {
      status: {
        supported: v("--edge-supports"), unsupported: v("--grey-fg"), undermined: v("--purple-fg"),
        circular: v("--pink-fg"), contradicted: v("--edge-challenges"), contested: v("--edge-other")
      },
      other: v("--edge-cites"), fg: v("--fg"), bg: v("--panel"), line: v("--line"),
      kinds: { supports: v("--edge-supports"), challenges: v("--edge-challenges"), depends_on: v("--edge-depends") }
    };
  }
  var palette = colours();

  function size() {
    var ratio = window.devicePixelRatio || 1;
    var w = canvas.clientWidth, h = canvas.clientHeight;
    canvas.width = Math.max(1, Math.round(w * ratio));
    canvas.height = Math.max(1, Math.round(h * ratio));
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  function fit() {
    var w = canvas.clientWidth, h = canvas.clientHeight;
    view.s = Math.min(w, h) / WORLD * 0.95;
    view.x = (w - WORLD * view.s) / 2;
    view.y = (h - WORLD * view.s) / 2;
  }

  function sx(i) { return G.x[i] * view.s + view.x; }
  function sy(i) { return G.y[i] * view.s + view.y; }
  var baseRadius = Math.max(1.3, Math.min(6, 90 / Math.sqrt(n + 1)));
  function radius(i) {
    var zoom = Math.max(1, Math.min(4, view.s * WORLD / 1000));
    return Math.min(12, baseRadius + Math.sqrt(degree[i]) * 0.35) * Math.sqrt(zoom);
  }
  function colourOf(i) {
    var status = G.statuses[G.s[i]];
    return palette.status[status] || palette.other;
  }

  function draw() {
    var w = canvas.clientWidth, h = canvas.clientHeight;
    ctx.fillStyle = palette.bg;
    ctx.fillRect(0, 0, w, h);
    if (showEdges || selected >= 0) {
      ctx.lineWidth = 0.6;
      var groups = {};
      for (var e = 0; e < G.e.length; e += 3) {
        var a = G.e[e], b = G.e[e + 1];
        if (!showEdges && a !== selected && b !== selected) continue;
        var kind = G.kinds[G.e[e + 2]];
        (groups[kind] || (groups[kind] = [])).push(a, b);
      }
      Object.keys(groups).forEach(function (kind) {
        var list = groups[kind];
        ctx.strokeStyle = palette.kinds[kind] || palette.other;
        ctx.globalAlpha = selected >= 0 && !showEdges ? 0.9 : 0.18;
        ctx.beginPath();
        for (var k = 0; k < list.length; k += 2) {
          ctx.moveTo(sx(list[k]), sy(list[k]));
          ctx.lineTo(sx(list[k + 1]), sy(list[k + 1]));
        }
        ctx.stroke();
      });
      ctx.globalAlpha = 1;
    }
    var batches = {};
    for (var i = 0; i < n; i++) {
      var x = sx(i), y = sy(i);
      if (x < -10 || y < -10 || x > w + 10 || y > h + 10) continue;
      var col = colourOf(i);
      (batches[col] || (batches[col] = [])).push(i);
    }
    Object.keys(batches).forEach(function (col) {
      ctx.fillStyle = col;
      ctx.beginPath();
      batches[col].forEach(function (i) {
        var r = radius(i);
        ctx.moveTo(sx(i) + r, sy(i));
        ctx.arc(sx(i), sy(i), r, 0, 2 * Math.PI);
      });
      ctx.fill();
    });
    var visible = [];
    Object.keys(batches).forEach(function (col) { visible.push.apply(visible, batches[col]); });
    if (visible.length <= LABELS_BELOW) {  // zoomed in far enough: name the dots
      ctx.fillStyle = palette.fg;
      ctx.font = "12px system-ui, sans-serif";
      // Best-connected notes first; a label is drawn only where it overlaps none drawn before,
      // so dense regions stay readable (zoom in to see the rest).
      visible.sort(function (a, b) { return degree[b] - degree[a]; });
      var placed = [];
      visible.forEach(function (i) {
        var name = G.names[i];
        var text = name.length > 40 ? name.slice(0, 39) + "\u2026" : name;
        var x = sx(i) + radius(i) + 3, y = sy(i) + 4;
        var box = [x - 2, y - 11, x + ctx.measureText(text).width + 2, y + 3];
        for (var k = 0; k < placed.length; k++) {
          var o = placed[k];
          if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) return;
        }
        placed.push(box);
        ctx.fillText(text, x, y);
      });
    }
    [selected, hovered].forEach(function (i) {
      if (i < 0) return;
      ctx.strokeStyle = palette.fg;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(sx(i), sy(i), radius(i) + 4, 0, 2 * Math.PI);
      ctx.stroke();
    });
  }

  var frame = 0;
  function redraw() {
    if (frame) return;
    frame = window.requestAnimationFrame(function () { frame = 0; draw(); });
  }

  function nearest(px, py, limit) {
    var wx = (px - view.x) / view.s, wy = (py - view.y) / view.s;
    var reach = limit / view.s;
    var best = -1, bestD = reach * reach;
    var c0 = Math.max(0, Math.floor((wx - reach) / CELL)), c1 = Math.min(CELLS - 1, Math.floor((wx + reach) / CELL));
    var r0 = Math.max(0, Math.floor((wy - reach) / CELL)), r1 = Math.min(CELLS - 1, Math.floor((wy + reach) / CELL));
    for (var cx = c0; cx <= c1; cx++) {
      for (var cy = r0; cy <= r1; cy++) {
        var cell = grid[cx * CELLS + cy];
        if (!cell) continue;
        for (var k = 0; k < cell.length; k++) {
          var i = cell[k], dx = G.x[i] - wx, dy = G.y[i] - wy, d = dx * dx + dy * dy;
          if (d <= bestD) { bestD = d; best = i; }
        }
      }
    }
    return best;
  }

  function describe(i) {
    if (i < 0) return "";
    var status = G.statuses[G.s[i]];
    return G.names[i] + " (" + G.types[G.t[i]] + (status && status !== "in" && status !== "out" ? ", " + status : "") + ")";
  }

  function select(i, centre) {
    selected = i;
    tip.textContent = i >= 0 ? describe(i) + " — press Enter or select it again to open" : "";
    if (i >= 0 && centre) {
      var w = canvas.clientWidth, h = canvas.clientHeight;
      view.s = Math.max(view.s, Math.min(w, h) / 1500);
      view.x = w / 2 - G.x[i] * view.s;
      view.y = h / 2 - G.y[i] * view.s;
    }
    redraw();
  }

  function open(i) {
    var href = G.href[i];
    if (/^notes\/[a-z0-9._-]+\.html$/.test(href)) window.location.href = root + href;
  }

  function zoom(factor, px, py) {
    var w = canvas.clientWidth, h = canvas.clientHeight;
    if (px === undefined) { px = w / 2; py = h / 2; }
    var s = Math.max(0.01, Math.min(view.s * factor, 200 / CELL));
    view.x = px - (px - view.x) * (s / view.s);
    view.y = py - (py - view.y) * (s / view.s);
    view.s = s;
    redraw();
  }

  var drag = null;
  canvas.addEventListener("pointerdown", function (ev) {
    canvas.setPointerCapture(ev.pointerId);
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
  });
  canvas.addEventListener("pointermove", function (ev) {
    var rect = canvas.getBoundingClientRect();
    if (drag) {
      var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      view.x = drag.vx + dx;
      view.y = drag.vy + dy;
      redraw();
      return;
    }
    var i = nearest(ev.clientX - rect.left, ev.clientY - rect.top, 10);
    if (i !== hovered) {
      hovered = i;
      if (selected < 0) tip.textContent = describe(i);
      canvas.style.cursor = i >= 0 ? "pointer" : "grab";
      redraw();
    }
  });
  canvas.addEventListener("pointerup", function (ev) {
    var rect = canvas.getBoundingClientRect();
    var wasDrag = drag && drag.moved;
    drag = null;
    if (wasDrag) return;
    var i = nearest(ev.clientX - rect.left, ev.clientY - rect.top, 12);
    if (i >= 0 && i === selected) open(i);
    else select(i, false);
  });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var rect = canvas.getBoundingClientRect();
    zoom(ev.deltaY < 0 ? 1.2 : 1 / 1.2, ev.clientX - rect.left, ev.clientY - rect.top);
  }, { passive: false });
  canvas.addEventListener("keydown", function (ev) {
    var step = 60;
    var handled = true;
    switch (ev.key) {
      case "ArrowLeft": view.x += step; break;
      case "ArrowRight": view.x -= step; break;
      case "ArrowUp": view.y += step; break;
      case "ArrowDown": view.y -= step; break;
      case "+": case "=": zoom(1.3); break;
      case "-": zoom(1 / 1.3); break;
      case "0": fit(); break;
      case "Enter": if (selected >= 0) open(selected); break;
      default: handled = false;
    }
    if (handled) { ev.preventDefault(); redraw(); }
  });

  function button(id, fn) {
    var el = document.getElementById(id);
    if (el) el.addEventListener("click", fn);
  }
  button("graph-zoom-in", function () { zoom(1.4); });
  button("graph-zoom-out", function () { zoom(1 / 1.4); });
  button("graph-reset", function () { fit(); select(-1, false); });
  var edges = document.getElementById("graph-edges");
  if (edges) edges.addEventListener("change", function () { showEdges = edges.checked; redraw(); });

  var find = document.getElementById("graph-find");
  if (find) {
    var names = document.getElementById("graph-names");
    if (names && n <= 3000) {
      var fragment = document.createDocumentFragment();
      for (var k = 0; k < n; k++) { var o = document.createElement("option"); o.value = G.names[k]; fragment.appendChild(o); }
      names.appendChild(fragment);
    }
    var lookup = function () {
      var q = find.value.trim().toLocaleLowerCase();
      if (!q) return;
      var hit = -1;
      for (var i = 0; i < n; i++) {
        var name = G.names[i].toLocaleLowerCase();
        if (name === q) { hit = i; break; }
        if (hit < 0 && name.indexOf(q) >= 0) hit = i;
      }
      tip.textContent = hit < 0 ? "No note matches." : "";
      if (hit >= 0) select(hit, true);
    };
    find.addEventListener("change", lookup);
    find.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); lookup(); } });
  }

  function fromHash() {
    var wanted = decodeURIComponent(window.location.hash.slice(1));
    if (!wanted) return;
    for (var i = 0; i < n; i++) if (G.href[i] === wanted) { select(i, true); return; }
  }

  var themeWatch = new MutationObserver(function () { palette = colours(); redraw(); });
  themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  if (window.matchMedia) {
    var mq = window.matchMedia("(prefers-color-scheme: dark)");
    if (mq.addEventListener) mq.addEventListener("change", function () { palette = colours(); redraw(); });
  }
  window.addEventListener("resize", function () { size(); redraw(); });
  window.addEventListener("hashchange", fromHash);
  size();
  fit();
  fromHash();
  draw();
})();
