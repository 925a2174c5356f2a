/*
 * The built-in dashboard's page script (served as /dashboard/static/dashboard.js; plain browser
 * JavaScript, no build step). It fetches the JSON of /dashboard/api/... and draws the charts with
 * uPlot (served from node_modules). Every value from the gateway (queue names, systems, mismatch
 * sample values) is put into the page with textContent or as chart data: never as markup.
 *
 * For tests: window.__dashboard.charts holds the uPlot instances by chart id, and
 * window.__dashboard.updates counts the data refreshes applied.
 */
(function () {
  'use strict';

  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
  var VALID_QUEUE = /^[A-Za-z0-9_]{1,255}$/;
  var state = { charts: {}, updates: 0, lastError: null };
  /** One colour per system (or shadow side) across every chart of the page, in order of appearance. */
  var systemColors = {};
  function colorOf(system) {
    if (!(system in systemColors)) systemColors[system] = COLORS[Object.keys(systemColors).length % COLORS.length];
    return systemColors[system];
  }
  window.__dashboard = state;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function fmt(n, digits) {
    if (n === null || n === undefined || !isFinite(n)) return '–';
    var d = digits === undefined ? (Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2) : digits;
    return n.toLocaleString(undefined, { maximumFractionDigits: d, minimumFractionDigits: 0 });
  }

  function age(ms) {
    if (ms === null || ms === undefined) return 'no data';
    var s = Math.round(ms / 1000);
    return s < 90 ? s + ' s ago' : Math.round(s / 60) + ' min ago';
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined || !isFinite(seconds)) return 'unknown';
    if (seconds < 90) return Math.round(seconds) + ' s';
    if (seconds < 5400) return Math.round(seconds / 60) + ' min';
    return (seconds / 3600).toFixed(1) + ' h';
  }

  function setBanner(messages) {
    var banner = document.getElementById('banner');
    clear(banner);
    messages.forEach(function (m) { banner.appendChild(el('p', m)); });
    banner.hidden = messages.length === 0;
  }

  function getJson(url) {
    return fetch(url, { headers: { accept: 'application/json' } }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error((body && body.error) || ('HTTP ' + res.status));
        return body;
      });
    });
  }

  /** Banner lines common to both pages: metrics off, history empty, history stale. */
  function freshness(data) {
    var lines = [];
    if (!data.metrics) {
      lines.push('Metrics are off on this gateway (PINLATER_METRICS_ENABLED=false or OTEL_SDK_DISABLED=true): there is no history to chart. Modes and queues are still listed.');
    } else if (data.historyPoints === 0) {
      lines.push('Collecting: the first points arrive within ' + Math.round(data.intervalMs / 1000) + ' s.');
    }
    return lines;
  }

  // ---- charts --------------------------------------------------------------------------------

  /**
   * Draws (or refreshes) a chart in the figure `id`: `lines` is [{label, values, dash, color}], all
   * aligned with `times` (ms). No series, or only empty ones: the figure says "no data" instead.
   */
  function drawChart(id, times, lines, options) {
    var figure = document.getElementById(id);
    if (!figure) return;
    var note = figure.querySelector('.chart-note') || figure.appendChild(el('p', '', 'chart-note'));
    var withData = lines.filter(function (l) { return l.values.some(function (v) { return v !== null; }); });
    var existing = state.charts[id];
    if (withData.length === 0) {
      if (existing) { existing.destroy(); delete state.charts[id]; }
      note.textContent = options.empty || 'No data in the history for this chart.';
      note.className = 'chart-note empty';
      return;
    }
    var staleAfter = options.staleAfterMs;
    var newest = newestSampleTime(times, withData);
    var now = options.nowMs;
    if (staleAfter && newest !== null && now - newest > staleAfter) {
      note.textContent = 'Stale: no samples for ' + Math.round((now - newest) / options.intervalMs) + ' intervals (last ' + age(now - newest) + ').';
      note.className = 'chart-note stale';
    } else {
      note.textContent = '';
      note.className = 'chart-note';
    }
    var data = [times.map(function (t) { return t / 1000; })].concat(withData.map(function (l) { return l.values; }));
    var key = withData.map(function (l) { return l.label; }).join('\u0000');
    if (existing && existing.__key === key) {
      existing.setData(data);
      return;
    }
    if (existing) existing.destroy();
    var width = Math.max(320, figure.clientWidth - 16);
    var series = [{}].concat(withData.map(function (l, i) {
      // Sparse series (a few samples between gaps) get dots: a lone sample has no line to draw.
      var samples = l.values.filter(function (v) { return v !== null; }).length;
      var s = { label: l.label, stroke: l.color || COLORS[i % COLORS.length], width: 2, spanGaps: false, points: { show: samples <= 40, size: 5 } };
      if (l.dash) s.dash = [6, 4];
      if (options.stepped) s.paths = uPlot.paths.stepped({ align: 1 });
      if (options.valueFormat) s.value = function (u, v) { return v === null ? '–' : options.valueFormat(v); };
      return s;
    }));
    var yAxis = { label: options.yLabel || '', size: 70 };
    if (options.yTicks) {
      yAxis.splits = function () { return options.yTicks; };
      yAxis.values = function (u, vals) { return vals.map(options.valueFormat); };
    }
    var opts = {
      width: width,
      height: options.height || 220,
      scales: { x: { time: true }, y: options.yRange ? { range: options.yRange } : { range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.1 : 1]; } } },
      series: series,
      axes: [{}, yAxis],
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
    };
    var chart = new uPlot(opts, data, figure);
    chart.__key = key;
    state.charts[id] = chart;
  }

  function newestSampleTime(times, lines) {
    for (var i = times.length - 1; i >= 0; i--) {
      for (var j = 0; j < lines.length; j++) if (lines[j].values[i] !== null) return times[i];
    }
    return null;
  }

  function seriesLines(series, prefix, labelOf, extra) {
    return Object.keys(series).filter(function (n) { return n.indexOf(prefix) === 0; }).sort().map(function (n) {
      var system = n.slice(prefix.length);
      var line = { label: labelOf(system), values: series[n], color: colorOf(system) };
      if (extra) extra(line, n);
      return line;
    });
  }

  window.addEventListener('resize', function () {
    Object.keys(state.charts).forEach(function (id) {
      var figure = document.getElementById(id);
      if (figure) state.charts[id].setSize({ width: Math.max(320, figure.clientWidth - 16), height: state.charts[id].height });
    });
  });

  // ---- overview ------------------------------------------------------------------------------

  var overviewState = { offset: 0, limit: 50, filter: '' };

  function modeBadge(mode) {
    var b = el('span', mode || 'unknown', 'mode-badge mode-' + (mode || 'unknown'));
    return b;
  }

  function renderOverview(data) {
    var lines = freshness(data);
    setBanner(lines);
    var common = { staleAfterMs: data.staleAfterMs, intervalMs: data.intervalMs, nowMs: Date.parse(data.generatedAt) };
    var s = data.totals.series;
    var rateLines = seriesLines(s, 'rate:enqueue|', function (sys) { return 'enqueued · ' + sys; })
      .concat(seriesLines(s, 'rate:dequeue|', function (sys) { return 'dequeued · ' + sys; }, function (l) { l.dash = true; }));
    drawChart('chart-rates', data.totals.times, rateLines, Object.assign({ yLabel: 'jobs/s', empty: 'No enqueues or dequeues recorded yet.' }, common));
    drawChart('chart-backlog', data.totals.times, seriesLines(s, 'backlog|', function (sys) { return sys; }), Object.assign({ yLabel: 'jobs', empty: 'No backlog samples yet (recounted every PINLATER_QUEUE_DEPTH_INTERVAL_MS).' }, common));

    var tbody = document.querySelector('#queues tbody');
    clear(tbody);
    data.queues.items.forEach(function (row) {
      var tr = document.createElement('tr');
      var link = el('a', row.queue);
      link.href = '/dashboard/queue/' + encodeURIComponent(row.queue);
      var name = el('td'); name.appendChild(link); tr.appendChild(name);
      var mode = el('td'); mode.appendChild(modeBadge(row.mode)); tr.appendChild(mode);
      tr.appendChild(el('td', row.legacyCluster || '–'));
      var backlog = Object.keys(row.backlog).sort().map(function (k) { return k + ': ' + fmt(row.backlog[k], 0); }).join(' · ');
      tr.appendChild(el('td', backlog || '–'));
      tr.appendChild(el('td', fmt(row.enqueueRate), 'num'));
      tr.appendChild(el('td', fmt(row.dequeueRate), 'num'));
      var errors = row.requestRate ? (100 * (row.errorRate || 0)) / row.requestRate : null;
      tr.appendChild(el('td', errors === null ? '–' : fmt(errors, 1) + ' %', errors > 0 ? 'num bad' : 'num'));
      var stale = row.lastSampleAgeMs === null || (data.staleAfterMs && row.lastSampleAgeMs > data.staleAfterMs);
      tr.appendChild(el('td', row.lastSampleAgeMs === null ? 'no data' : stale ? 'stale · ' + age(row.lastSampleAgeMs) : 'live', stale ? 'stale' : 'live'));
      tbody.appendChild(tr);
    });
    var q = data.queues;
    document.getElementById('page-info').textContent = q.total === 0 ? 'no queues' : (q.offset + 1) + '–' + Math.min(q.offset + q.limit, q.total) + ' of ' + q.total + ' queues';
    document.getElementById('prev').disabled = q.offset === 0;
    document.getElementById('next').disabled = q.offset + q.limit >= q.total;
  }

  function loadOverview() {
    var url = '/dashboard/api/overview?offset=' + overviewState.offset + '&limit=' + overviewState.limit + '&filter=' + encodeURIComponent(overviewState.filter);
    return getJson(url).then(function (data) {
      renderOverview(data);
      done(data);
      return data;
    });
  }

  function startOverview() {
    var filter = document.getElementById('filter');
    filter.addEventListener('input', function () {
      if (!/^[A-Za-z0-9_]*$/.test(filter.value)) return;
      overviewState.filter = filter.value;
      overviewState.offset = 0;
      refresh(loadOverview);
    });
    document.getElementById('prev').addEventListener('click', function () {
      overviewState.offset = Math.max(0, overviewState.offset - overviewState.limit);
      refresh(loadOverview);
    });
    document.getElementById('next').addEventListener('click', function () {
      overviewState.offset += overviewState.limit;
      refresh(loadOverview);
    });
    poll(loadOverview);
  }

  // ---- queue page ----------------------------------------------------------------------------

  function queueFromPath() {
    var raw = location.pathname.slice('/dashboard/queue/'.length);
    var name;
    try { name = decodeURIComponent(raw); } catch (e) { return null; }
    return VALID_QUEUE.test(name) ? name : null;
  }

  function renderQueue(data) {
    var lines = freshness(data);
    if (data.metrics && !data.ownSeries && data.historyPoints > 0) lines.push('This queue has no series of its own in the history yet (no traffic or samples since the gateway started, or it shares the other-queues series).');
    setBanner(lines);
    var badge = document.getElementById('mode');
    badge.textContent = data.mode || 'unknown';
    badge.className = 'mode-badge mode-' + (data.mode || 'unknown');
    var route = [];
    if (data.legacyCluster) route.push('legacy cluster ' + data.legacyCluster);
    if (data.direction) route.push('direction ' + data.direction);
    document.getElementById('route').textContent = route.join(' · ');

    var common = { staleAfterMs: data.staleAfterMs, intervalMs: data.intervalMs, nowMs: Date.parse(data.generatedAt) };
    var t = data.series.times;
    var s = data.series.series;
    var modes = data.modes;
    var changes = data.modeChanges.map(function (c) { return new Date(c.atMs).toLocaleTimeString() + ' ' + c.mode; }).join(' → ');
    drawChart('chart-mode', t, s.mode ? [{ label: 'mode', values: s.mode }] : [], Object.assign({
      stepped: true, yRange: [-0.5, modes.length - 0.5], yTicks: modes.map(function (m, i) { return i; }),
      valueFormat: function (v) { return modes[Math.round(v)] || ''; }, height: 180,
      empty: 'No mode samples (pinlater.routing.queue.mode is reported by routing gateways).',
    }, common));
    var modeNote = document.querySelector('#chart-mode .chart-note');
    if (changes && modeNote && !modeNote.textContent) modeNote.textContent = 'Changes seen: ' + changes;

    drawChart('chart-backlog', t, seriesLines(s, 'backlog|', function (sys) { return sys; }), Object.assign({ yLabel: 'jobs', empty: 'No backlog samples for this queue.' }, common));
    drawChart('chart-shadow', t, [
      { label: 'matched %', values: s['shadow:matched'] || [], color: '#2ca02c' },
      { label: 'mismatched %', values: s['shadow:mismatched'] || [], color: '#d62728' },
      { label: 'noise floor %', values: s['shadow:noise'] || [], color: '#7f7f7f', dash: true },
    ].filter(function (l) { return l.values.length > 0; }), Object.assign({ yLabel: '%', yRange: [0, 100], empty: data.mode === 'shadow' ? 'Shadow mode: no comparisons recorded yet.' : 'No shadow comparisons (the queue is not in shadow mode).' }, common));
    var latency = seriesLines(s, 'lat:p50|', function (sys) { return sys + ' p50'; })
      .concat(seriesLines(s, 'lat:p99|', function (sys) { return sys + ' p99'; }, function (l) { l.dash = true; }))
      .concat(seriesLines(s, 'shadowlat:p50|', function (side) { return 'shadow ' + side + ' p50'; }))
      .concat(seriesLines(s, 'shadowlat:p99|', function (side) { return 'shadow ' + side + ' p99'; }, function (l) { l.dash = true; }));
    drawChart('chart-latency', t, latency, Object.assign({ yLabel: 'ms', empty: 'No enqueue, dequeue or ack calls in the history.' }, common));
    var rates = seriesLines(s, 'rate:enqueue|', function (sys) { return 'enqueued · ' + sys; })
      .concat(seriesLines(s, 'rate:dequeue|', function (sys) { return 'dequeued · ' + sys; }, function (l) { l.dash = true; }));
    drawChart('chart-rates', t, rates, Object.assign({ yLabel: 'jobs/s', empty: 'No enqueues or dequeues in the history.' }, common));
    drawChart('chart-errors', t, [
      { label: 'calls/s', values: s['rate:requests'] || [], color: '#1f77b4' },
      { label: 'failed calls/s', values: s['rate:errors'] || [], color: '#d62728' },
    ].filter(function (l) { return l.values.length > 0; }), Object.assign({ yLabel: 'calls/s', empty: 'No calls in the history.' }, common));

    renderCopy(data.copy);
    renderShadowCopy(data.shadow);
    renderSamples(data.shadow);
  }

  /**
   * A notice while the queue's shadow copy is incomplete (copy tasks were shed): its count, scan
   * and dry-run dequeue comparisons are ignored until shadow mode is restarted. Created under the
   * banner on first use; hidden while the copy is complete.
   */
  function renderShadowCopy(shadow) {
    var notice = document.getElementById('shadow-copy-notice');
    var incomplete = shadow !== null && typeof shadow.copyIncompleteSince === 'string';
    if (!notice) {
      if (!incomplete) return;
      var banner = document.getElementById('banner');
      notice = el('div', null, 'banner shadow-copy-notice');
      notice.id = 'shadow-copy-notice';
      notice.setAttribute('role', 'status');
      banner.parentNode.insertBefore(notice, banner.nextSibling);
    }
    clear(notice);
    notice.hidden = !incomplete;
    if (!incomplete) return;
    notice.appendChild(el('strong', 'Shadow copy incomplete: count and scan comparisons are ignored.'));
    notice.appendChild(el('p', fmt(shadow.copiesShed, 0) + ' copy task(s) shed since ' + shadow.copyIncompleteSince
      + ' (enqueue copies or mirrored dequeues and acks dropped under load), so the shadow copy no longer holds what legacy holds.'
      + ' getJobCount, scanJobs and dry-run dequeueJobs comparisons are ignored until shadow mode is restarted'
      + ' (pinlater-ops shadow stop, then shadow start); lookups and enqueues are still compared.'));
  }

  function renderCopy(copy) {
    var section = document.getElementById('copy');
    section.hidden = copy === null;
    if (copy === null) return;
    var pct = copy.progress === null ? null : Math.max(0, Math.min(1, copy.progress)) * 100;
    document.getElementById('copy-bar').style.width = (pct === null ? 0 : pct) + '%';
    var parts = ['Leaving ' + copy.leaving + ' for ' + copy.arriving + '.'];
    if (copy.backlog === null) parts.push('No backlog samples of ' + copy.leaving + ' yet.');
    else parts.push(fmt(copy.backlog, 0) + ' jobs left of ' + fmt(copy.initialBacklog, 0) + (pct === null ? '' : ' (' + fmt(pct, 1) + ' % done)') + '.');
    if (copy.ratePerSecond !== null) parts.push(copy.ratePerSecond > 0 ? 'Shrinking by ' + fmt(copy.ratePerSecond) + ' jobs/s.' : 'Not shrinking.');
    parts.push('ETA ' + (copy.etaSeconds === null ? 'unknown' : duration(copy.etaSeconds)) + '.');
    document.getElementById('copy-text').textContent = parts.join(' ');
  }

  function renderSamples(shadow) {
    var tbody = document.querySelector('#samples tbody');
    clear(tbody);
    var note = document.getElementById('samples-note');
    document.getElementById('samples').hidden = shadow === null || shadow.samples.length === 0;
    if (shadow === null) {
      note.textContent = 'No shadow comparison data for this queue on this gateway.';
      return;
    }
    note.textContent = shadow.samples.length === 0 ? 'No mismatches recorded.' : 'Newest first; values are cut to 300 characters.';
    shadow.samples.forEach(function (sample) {
      sample.differences.forEach(function (d, i) {
        var tr = document.createElement('tr');
        tr.appendChild(el('td', i === 0 ? sample.at : ''));
        tr.appendChild(el('td', i === 0 ? sample.method : ''));
        tr.appendChild(el('td', d.field, 'mono'));
        tr.appendChild(el('td', d.primary, 'mono'));
        tr.appendChild(el('td', d.candidate, 'mono'));
        tbody.appendChild(tr);
      });
    });
  }

  function startQueue() {
    var queue = queueFromPath();
    document.getElementById('queue-name').textContent = queue === null ? '(invalid name)' : queue;
    if (queue === null) {
      setBanner(['Not a valid queue name.']);
      return;
    }
    document.title = queue + ' · PinLater gateway dashboard';
    poll(function () {
      return getJson('/dashboard/api/queue/' + encodeURIComponent(queue)).then(function (data) {
        renderQueue(data);
        done(data);
        return data;
      });
    });
  }

  // ---- refresh loop --------------------------------------------------------------------------

  var pollMs = 5000;

  function done(data) {
    state.updates += 1;
    state.lastError = null;
    if (data.intervalMs) pollMs = Math.max(1000, data.intervalMs);
    document.getElementById('updated').textContent = 'updated ' + new Date(data.generatedAt).toLocaleTimeString();
  }

  function refresh(load) {
    return load().catch(function (e) {
      state.lastError = String(e && e.message ? e.message : e);
      setBanner(['Could not load the dashboard data: ' + state.lastError + ' (showing the last data received).']);
    });
  }

  function poll(load) {
    refresh(load).then(function () { setTimeout(function () { poll(load); }, pollMs); });
  }

  if (document.body.dataset.page === 'overview') startOverview();
  else if (document.body.dataset.page === 'queue') startQueue();
})();
