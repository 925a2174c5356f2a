/**
 * The built-in dashboard's two HTML pages: static shells with no data in them (the queue name is
 * read by the page's script from its own URL and every value arrives as JSON, rendered as text),
 * so nothing untrusted is ever pasted into markup. Scripts and styles are same-origin files only
 * (dashboard-routes.ts serves them and sets a Content-Security-Policy that forbids anything else).
 */

const HEAD = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PinLater gateway dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/static/uPlot.min.css">
<link rel="stylesheet" href="/dashboard/static/dashboard.css">
</head>`;

const SCRIPTS = `<script src="/dashboard/static/uPlot.iife.min.js"></script>
<script src="/dashboard/static/dashboard.js"></script>`;

export const OVERVIEW_PAGE = `${HEAD}
<body data-page="overview">
<header><h1><a href="/dashboard">PinLater gateway</a> · queues</h1><span id="updated" class="muted"></span></header>
<div id="banner" class="banner" hidden></div>
<section class="charts two">
  <figure class="chart" id="chart-rates"><figcaption>Jobs per second, all queues</figcaption></figure>
  <figure class="chart" id="chart-backlog"><figcaption>Backlog per system, all queues</figcaption></figure>
</section>
<section>
  <div class="toolbar">
    <label>Filter <input id="filter" type="search" maxlength="255" pattern="[A-Za-z0-9_]*" placeholder="queue name contains…"></label>
    <button id="prev" type="button">‹ previous</button><span id="page-info" class="muted"></span><button id="next" type="button">next ›</button>
  </div>
  <table id="queues">
    <thead><tr><th>Queue</th><th>Mode</th><th>Legacy cluster</th><th>Backlog per system</th><th>Enqueue/s</th><th>Dequeue/s</th><th>Errors</th><th>Data</th></tr></thead>
    <tbody></tbody>
  </table>
</section>
${SCRIPTS}
</body>
</html>
`;

export const QUEUE_PAGE = `${HEAD}
<body data-page="queue">
<header><h1><a href="/dashboard">PinLater gateway</a> · queue <span id="queue-name"></span></h1>
<span class="mode-badge" id="mode"></span><span id="route" class="muted"></span><span id="updated" class="muted"></span></header>
<div id="banner" class="banner" hidden></div>
<section id="copy" class="copy" hidden>
  <h2>Migration copy</h2>
  <div class="progress"><div id="copy-bar"></div></div>
  <p id="copy-text"></p>
</section>
<section class="charts two">
  <figure class="chart" id="chart-mode"><figcaption>Mode history</figcaption></figure>
  <figure class="chart" id="chart-backlog"><figcaption>Backlog per system (jobs not done)</figcaption></figure>
  <figure class="chart" id="chart-shadow"><figcaption>Shadow comparison: match and mismatch rate vs noise floor (%)</figcaption></figure>
  <figure class="chart" id="chart-latency"><figcaption>Latency legacy vs Pacer, p50 / p99 (ms)</figcaption></figure>
  <figure class="chart" id="chart-rates"><figcaption>Jobs per second per system</figcaption></figure>
  <figure class="chart" id="chart-errors"><figcaption>Calls and failed calls per second</figcaption></figure>
</section>
<section>
  <h2>Recent mismatch samples</h2>
  <p id="samples-note" class="muted"></p>
  <div class="scroll"><table id="samples"><thead><tr><th>When</th><th>Method</th><th>Field</th><th>Legacy (primary)</th><th>Pacer (candidate)</th></tr></thead><tbody></tbody></table></div>
</section>
${SCRIPTS}
</body>
</html>
`;
