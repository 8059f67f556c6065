// Draws a report's charts with uPlot (inlined before this script). Chart data comes from the
// page's <script type="application/json" id="report-data">; each chart is drawn into
// #chart-<id>. Plain browser JS (no build step) so the page stays one self-contained file.
// window.reportCharts lists the uPlot instances (tests read their data through it).
(function () {
  'use strict';
  var dataEl = document.getElementById('report-data');
  if (!dataEl || typeof uPlot === 'undefined') return;
  var data = JSON.parse(dataEl.textContent || '{}');
  var charts = data.charts || [];
  window.reportCharts = [];

  function pctLabel(x) {
    if (x == null) return '';
    if (x <= 1) return '0%';
    var p = 100 * (1 - 1 / x);
    return (p >= 99 ? +p.toPrecision(6) : Math.round(p)) + '%';
  }

  // 0%, 50%, 90%, 99%, 99.9%, ... : the decades of 1/(1-p).
  function percentileSplits(u, axisIdx, min, max) {
    var out = [1, 2];
    for (var v = 10; v <= max * 1.0001; v *= 10) out.push(v);
    return out.filter(function (v) { return v >= min && v <= max * 1.0001; });
  }

  function fmtMs(v) {
    if (v == null) return '–';
    if (v >= 1000) return (v / 1000).toFixed(2) + ' s';
    if (v >= 10) return v.toFixed(1) + ' ms';
    return v.toFixed(2) + ' ms';
  }

  // Labels in up to three rows; a label goes in the first row where it clears the one before it
  // and is otherwise left out (still shown on hover, and in the trials table).
  function labelRows(ctx, rowCount, gap) {
    var ends = [];
    for (var r = 0; r < rowCount; r++) ends.push(-Infinity);
    return function (x, text) {
      var w = ctx.measureText(text).width;
      for (var r = 0; r < rowCount; r++) {
        if (x >= ends[r] + gap) { ends[r] = x + w; return { row: r, width: w }; }
      }
      return null;
    };
  }

  // Fault windows (shaded) and leader changes (dashed lines), under the series, with the labels
  // that fit. u.labelLayout records what was drawn (canvas px) and what was left out.
  function overlay(spec) {
    return function (u) {
      var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height, left = u.bbox.left, right = left + u.bbox.width;
      var dpr = window.devicePixelRatio || 1, lineH = 13 * dpr, fontH = 11 * dpr;
      var layout = { drawn: [], hidden: [] };
      ctx.save();
      ctx.font = fontH + 'px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      var bandRow = labelRows(ctx, 3, 6 * dpr);
      (spec.bands || []).forEach(function (b, i) {
        var x0 = u.valToPos(b.from, 'x', true), x1 = u.valToPos(b.to, 'x', true);
        if (x1 < left || x0 > right) return;
        x0 = Math.max(x0, left); x1 = Math.min(x1, right);
        ctx.fillStyle = spec.kind === 'timeline' && spec.id.indexOf('cmp') === 0 ? 'rgba(0,0,0,0.05)' : (i % 2 ? 'rgba(250,82,82,0.13)' : 'rgba(250,82,82,0.18)');
        ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
        var tx = x0 + 3 * dpr, place = bandRow(tx, b.label);
        if (!place || tx + place.width > right) { layout.hidden.push(b.label); return; }
        var ty = top + 2 * dpr + place.row * lineH;
        ctx.fillStyle = '#c92a2a';
        ctx.fillText(b.label, tx, ty);
        layout.drawn.push({ text: b.label, x: tx, y: ty, w: place.width, h: fontH });
      });
      var markRow = labelRows(ctx, 3, 6 * dpr);
      (spec.marks || []).forEach(function (m) {
        var x = u.valToPos(m.x, 'x', true);
        if (x < left || x > right) return;
        ctx.strokeStyle = '#5f3dc4';
        ctx.setLineDash([4 * dpr, 3 * dpr]);
        ctx.lineWidth = dpr;
        ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
        var tx = x + 3 * dpr, place = markRow(tx, m.label);
        if (!place || tx + place.width > right) { layout.hidden.push(m.label); return; }
        var ty = top + height - 14 * dpr - place.row * lineH;
        ctx.fillStyle = '#5f3dc4';
        ctx.fillText(m.label, tx, ty);
        layout.drawn.push({ text: m.label, x: tx, y: ty, w: place.width, h: fontH });
      });
      ctx.restore();
      u.labelLayout = layout;
      if (u.labelNote) {
        u.labelNote.textContent = layout.hidden.length
          ? layout.hidden.length + ' of ' + (layout.hidden.length + layout.drawn.length) + ' labels do not fit: hover the chart for them, or see the trials table.'
          : '';
      }
    };
  }

  // On hover, the fault windows the cursor is in and the leader changes within a few pixels.
  function hoverLabels(spec, tip) {
    return function (u) {
      var left = u.cursor.left;
      if (left == null || left < 0) { tip.style.display = 'none'; return; }
      var at = u.posToVal(left, 'x');
      var near = 6;
      var texts = [];
      (spec.bands || []).forEach(function (b) { if (at >= b.from && at <= b.to) texts.push(b.label + ' (' + b.from.toFixed(1) + '-' + b.to.toFixed(1) + ' s)'); });
      (spec.marks || []).forEach(function (m) { if (Math.abs(u.valToPos(m.x, 'x') - left) <= near) texts.push(m.label + ' (' + m.x.toFixed(1) + ' s)'); });
      if (texts.length === 0) { tip.style.display = 'none'; return; }
      tip.textContent = texts.join('\n');
      tip.style.display = 'block';
      tip.style.left = Math.min(left + 12, Math.max(0, u.over.clientWidth - 260)) + 'px';
      tip.style.top = Math.max(0, (u.cursor.top || 0) - 10) + 'px';
    };
  }

  function build(spec, el) {
    var width = Math.max(320, el.clientWidth || 800);
    var isPct = spec.kind === 'percentile';
    var isBars = spec.kind === 'bars';
    var series = [{ label: isPct ? 'percentile' : spec.xLabel, value: function (u, v) { return v == null ? '–' : isPct ? pctLabel(v) : (+v.toFixed(2)) + ''; } }];
    spec.series.forEach(function (s, i) {
      var one = {
        label: s.label, stroke: s.color, width: 2, spanGaps: false, points: { show: isPct ? false : undefined },
        value: function (u, v) { return v == null ? '–' : spec.yLabel === 'ms' ? fmtMs(v) : (+v.toFixed(2)) + ''; },
      };
      if (s.dash) one.dash = [6, 4];
      if (isBars) {
        one.fill = s.color + '99';
        one.paths = uPlot.paths.bars({ size: [0.45, Infinity], align: i === 0 ? -1 : 1 });
        one.points = { show: false };
      }
      series.push(one);
    });
    var opts = {
      title: spec.title,
      width: width,
      height: 280,
      series: series,
      scales: {
        x: isPct ? { time: false, distr: 3 } : { time: false },
        y: spec.yLog ? { distr: 3 } : { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } },
      },
      axes: [
        isPct ? { label: spec.xLabel, splits: percentileSplits, filter: function (u, splits) { return splits; }, values: function (u, vals) { return vals.map(pctLabel); } } : { label: spec.xLabel },
        { label: spec.yLabel, size: 60, values: spec.yLabel === 'ms' ? function (u, vals) { return vals.map(function (v) { return v == null ? '' : fmtMs(v); }); } : undefined },
      ],
      hooks: { drawClear: [overlay(spec)], setCursor: [] },
      legend: { live: true },
    };
    var hasLabels = (spec.bands || []).length + (spec.marks || []).length > 0;
    var tip = null;
    if (hasLabels) {
      tip = document.createElement('div');
      tip.className = 'chart-tip';
      opts.hooks.setCursor.push(hoverLabels(spec, tip));
    }
    var rows = [spec.x].concat(spec.series.map(function (s) { return s.values; }));
    var plot = new uPlot(opts, rows, el);
    if (hasLabels) {
      plot.over.appendChild(tip);
      plot.labelNote = document.createElement('div');
      plot.labelNote.className = 'chart-note';
      el.appendChild(plot.labelNote);
      plot.redraw(false, false);
    }
    window.reportCharts.push({ id: spec.id, kind: spec.kind, plot: plot, points: spec.x.length });
    return plot;
  }

  charts.forEach(function (spec) {
    var el = document.getElementById('chart-' + spec.id);
    if (!el) return;
    try {
      build(spec, el);
    } catch (err) {
      el.textContent = 'chart could not be drawn: ' + err.message;
      throw err;
    }
  });

  var timer = null;
  window.addEventListener('resize', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      window.reportCharts.forEach(function (c) {
        var w = Math.max(320, c.plot.root.parentElement.clientWidth || 800);
        c.plot.setSize({ width: w, height: 280 });
      });
    }, 150);
  });
})();
