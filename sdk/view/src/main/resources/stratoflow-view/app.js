'use strict';
// The Stratoflow view: Runs, a Run, Status and Pools, read from /api. Only what is on screen is
// in the page: a Run's tasks come one page at a time, whatever its width.

const PAGE = 100;
const REFRESH_MS = 2000;
let refreshTimer = null;
let charts = [];

const esc = value => String(value ?? '').replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
const enc = encodeURIComponent;
const $ = selector => document.querySelector(selector);

function token() {
  return sessionStorage.getItem('stratoflow-token');
}

async function api(path) {
  const headers = token() ? {Authorization: 'Bearer ' + token()} : {};
  const response = await fetch(path, {headers});
  if (response.status === 401) {
    const body = await response.json();
    throw {unauthorized: true, how: body.how};
  }
  if (!response.ok) {
    let message = response.statusText;
    try { message = (await response.json()).error; } catch (ignored) { }
    throw {message};
  }
  return response.headers.get('Content-Type').startsWith('application/json') ? response.json() : response.text();
}

function time(millis) {
  return millis ? new Date(millis).toLocaleString() : '';
}

function duration(from, to) {
  if (!from) return '';
  let seconds = Math.round(((to || Date.now()) - from) / 1000);
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
  return (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + s + 's';
}

function progress(done, total) {
  const percent = total ? Math.round(100 * done / total) : 0;
  return `<span class="bar"><span style="width:${percent}%"></span></span>${done} / ${total}`;
}

function phase(value) {
  return `<span class="phase phase-${esc(value)}">${esc(value)}</span>`;
}

// A run whose Run object is gone is shown from the records its datastore keeps.
function runDeleted(summary) {
  return summary.runDeleted ? ` <span class="run-deleted" title="The Run object was deleted: this run is read from the datastore's records">Run deleted</span>` : '';
}

function clearView() {
  clearTimeout(refreshTimer);
  charts.forEach(chart => chart.dispose());
  charts = [];
}

function every(render) {
  const tick = async () => {
    try {
      await render();
    } catch (failure) {
      showFailure(failure);
      return;
    }
    refreshTimer = setTimeout(tick, REFRESH_MS);
  };
  tick();
}

function showFailure(failure) {
  if (failure.unauthorized) {
    $('#view').innerHTML = `<h1>Sign in</h1><div class="panel">
      <p>This view shows exactly what Kubernetes lets you read, so it needs a bearer token.</p>
      <p>${esc(failure.how)}</p>
      <p><textarea id="token" placeholder="eyJhbGciOi…"></textarea></p>
      <p><button id="sign-in">Use this token</button></p></div>`;
    $('#sign-in').onclick = () => {
      sessionStorage.setItem('stratoflow-token', $('#token').value.trim());
      route();
    };
  } else {
    $('#view').insertAdjacentHTML('afterbegin', `<p class="error">${esc(failure.message || failure)}</p>`);
  }
}

// ---- Runs ------------------------------------------------------------------------------------

const filters = {flow: '', phase: '', user: '', namespace: ''};

function renderRuns() {
  $('#view').innerHTML = `<h1>Runs</h1><div class="filters" id="filters"></div>
    <table id="runs"><thead><tr><th>Namespace</th><th>Flow</th><th>Run</th><th>Phase</th><th>Progress</th><th>User</th>
    <th>Started</th><th>Duration</th></tr></thead><tbody></tbody></table>`;
  every(async () => {
    const query = Object.entries(filters).filter(([, v]) => v).map(([k, v]) => k + '=' + enc(v)).join('&');
    const answer = await api('api/runs' + (query ? '?' + query : ''));
    const select = (name, values) => `<label>${name} <select data-filter="${name}"><option value="">all</option>${
      values.map(v => `<option ${v === filters[name] ? 'selected' : ''}>${esc(v)}</option>`).join('')}</select></label>`;
    $('#filters').innerHTML = select('flow', answer.flows) + select('phase', answer.phases) + select('user', answer.users)
      + select('namespace', answer.namespaces);
    document.querySelectorAll('[data-filter]').forEach(s => s.onchange = () => {
      filters[s.dataset.filter] = s.value;
      route();
    });
    $('#runs tbody').innerHTML = answer.runs.map(run => `<tr class="link" data-href="#/run/${enc(run.key.namespace)}/${enc(run.key.flow)}/${enc(run.key.run)}">
      <td>${esc(run.key.namespace)}</td><td>${esc(run.key.flow)}</td><td>${esc(run.key.run)}</td><td>${phase(run.phase)}${runDeleted(run)}</td>
      <td>${progress(run.finished, run.total)}</td><td>${esc(run.user)}</td><td>${time(run.startedAt)}</td>
      <td>${duration(run.startedAt, run.finishedAt)}</td></tr>`).join('') || '<tr><td colspan="8" class="muted">No runs.</td></tr>';
    document.querySelectorAll('#runs tr.link').forEach(row => row.onclick = () => location.hash = row.dataset.href);
  });
}

// ---- A run -----------------------------------------------------------------------------------

const selection = {step: null, offset: 0, task: null, stream: 'stdout'};

function renderRun(namespace, flow, run) {
  const base = `api/runs/${enc(namespace)}/${enc(flow)}/${enc(run)}`;
  $('#view').innerHTML = `<h1>${esc(flow)} / ${esc(run)} <span id="run-phase"></span></h1>
    <div class="panel" id="run-summary"></div>
    <div class="panel"><div id="graph" class="graph"></div></div>
    <table id="steps"><thead><tr><th>Step</th><th>Kind</th><th>CPU</th><th>Memory</th><th>GPU</th><th>Done</th><th>Running</th>
      <th>Failed</th><th>Total</th></tr></thead><tbody></tbody></table>
    <div id="tasks"></div><div id="task"></div>`;
  const graph = echarts.init($('#graph'));
  charts.push(graph);
  graph.on('click', params => {
    if (params.dataType === 'node') selectStep(params.data.name);
  });
  const selectStep = step => {
    selection.step = step;
    selection.offset = 0;
    selection.task = null;
    $('#task').innerHTML = '';
    refreshTasks(base);
  };
  every(async () => {
    const detail = await api(base);
    const summary = detail.summary;
    $('#run-phase').innerHTML = phase(summary.phase) + runDeleted(summary);
    $('#run-summary').innerHTML = `${progress(summary.finished, summary.total)} tasks · user ${esc(summary.user)} ·
      started ${time(summary.startedAt)} · ${duration(summary.startedAt, summary.finishedAt)}
      ${summary.message ? `<div class="muted">${esc(summary.message)}</div>` : ''}`;
    drawGraph(graph, detail.steps);
    $('#steps tbody').innerHTML = detail.steps.map(step => `<tr class="link ${step.shape.name === selection.step ? 'selected' : ''}"
      data-step="${esc(step.shape.name)}"><td>${esc(step.shape.name)}</td><td>${esc(step.shape.kind)}</td><td>${esc(step.shape.cpu)}</td>
      <td>${esc(step.shape.memory)}</td><td>${esc(step.shape.gpu)}</td><td>${step.done}</td><td>${step.running}</td>
      <td>${step.failed}</td><td>${step.total}</td></tr>`).join('');
    document.querySelectorAll('#steps tr.link').forEach(row => row.onclick = () => selectStep(row.dataset.step));
    if (selection.step) await refreshTasks(base);
  });
}

function drawGraph(chart, steps) {
  const level = {};
  const byName = Object.fromEntries(steps.map(step => [step.shape.name, step]));
  steps.forEach(step => level[step.shape.name] = level[step.shape.name] ?? 0);
  steps.forEach(step => step.shape.next.forEach(next => level[next] = Math.max(level[next] ?? 0, level[step.shape.name] + 1)));
  const rows = {};
  const nodes = steps.map(step => {
    const x = level[step.shape.name];
    const y = rows[x] = (rows[x] ?? -1) + 1;
    const color = step.total && step.done === step.total ? '#3c8d5a' : step.running ? '#3b7ddd' : step.failed ? '#c0392b' : '#9aa5b1';
    return {name: step.shape.name, x: x * 180, y: y * 70, value: `${step.done}/${step.total}`,
      itemStyle: {color}, label: {formatter: `{b}\n${step.done}/${step.total}${step.running ? ' (' + step.running + ' running)' : ''}`}};
  });
  const links = steps.flatMap(step => step.shape.next.filter(next => byName[next]).map(next => ({source: step.shape.name, target: next})));
  chart.setOption({
    animation: false,
    series: [{type: 'graph', layout: 'none', symbol: 'roundRect', symbolSize: [150, 46], roam: true, edgeSymbol: ['none', 'arrow'],
      edgeSymbolSize: 10, label: {show: true, color: '#fff', fontSize: 12, lineHeight: 16}, data: nodes, links,
      lineStyle: {color: '#8795a1', width: 1.5}}],
  });
}

async function refreshTasks(base) {
  const step = selection.step;
  const page = await api(`${base}/steps/${enc(step)}/tasks?offset=${selection.offset}&limit=${PAGE}`);
  const last = Math.max(0, page.total - 1);
  $('#tasks').innerHTML = `<h2>Tasks of ${esc(step)}</h2>
    <div class="pager"><button id="previous" ${selection.offset === 0 ? 'disabled' : ''}>Previous</button>
      <span>${page.total ? page.offset + 1 : 0}–${page.offset + page.tasks.length} of ${page.total}</span>
      <button id="next" ${page.offset + page.tasks.length >= page.total ? 'disabled' : ''}>Next</button>
      <label>go to task <input id="jump" type="number" min="0" max="${last}" style="width:90px"></label></div>
    <div class="panel"><div id="timeline" class="timeline"></div></div>
    <table id="task-table"><thead><tr><th>Task</th><th>Status</th><th>Attempt</th><th>Started</th><th>Finished</th></tr></thead><tbody>
    ${page.tasks.map(task => `<tr class="link ${task.taskId === selection.task ? 'selected' : ''}" data-task="${esc(task.taskId)}">
      <td>${esc(task.taskId)}</td><td><span class="phase status-${esc(task.status.replace(' ', '-'))}">${esc(task.status)}</span></td>
      <td>${task.attempt}</td><td>${time(task.startedAt)}</td><td>${time(task.finishedAt)}</td></tr>`).join('')}</tbody></table>`;
  $('#previous').onclick = () => { selection.offset = Math.max(0, selection.offset - PAGE); refreshTasks(base); };
  $('#next').onclick = () => { selection.offset += PAGE; refreshTasks(base); };
  $('#jump').onchange = event => {
    selection.offset = Math.floor(Math.min(last, Math.max(0, Number(event.target.value))) / PAGE) * PAGE;
    refreshTasks(base);
  };
  document.querySelectorAll('#task-table tr.link').forEach(row => row.onclick = () => {
    selection.task = row.dataset.task;
    showTask(base);
  });
  drawTimeline(page.tasks);
}

function drawTimeline(tasks) {
  const timed = tasks.filter(task => task.startedAt);
  const element = $('#timeline');
  charts.filter(chart => chart.getDom() === element).forEach(chart => chart.dispose());
  if (!timed.length) {
    element.innerHTML = '<p class="muted">No task of this page has started yet.</p>';
    return;
  }
  const chart = echarts.init(element);
  charts.push(chart);
  const start = Math.min(...timed.map(task => task.startedAt));
  chart.setOption({
    animation: false,
    grid: {left: 60, right: 20, top: 10, bottom: 30},
    tooltip: {formatter: params => `task ${params.name}: ${(params.value / 1000).toFixed(1)} s`},
    xAxis: {type: 'value', name: 's', axisLabel: {formatter: value => (value / 1000).toFixed(value % 1000 ? 1 : 0)}},
    yAxis: {type: 'category', data: timed.map(task => task.taskId), inverse: true},
    series: [
      {type: 'bar', stack: 'time', itemStyle: {color: 'transparent'}, data: timed.map(task => task.startedAt - start), tooltip: {show: false}},
      {type: 'bar', stack: 'time', data: timed.map(task => (task.finishedAt || Date.now()) - task.startedAt)},
    ],
  });
}

async function showTask(base) {
  const path = `${base}/steps/${enc(selection.step)}/tasks/${enc(selection.task)}`;
  $('#task').innerHTML = `<h2>Task ${esc(selection.step)}/${esc(selection.task)}</h2>
    <div class="pager"><button data-stream="stdout">stdout</button><button data-stream="stderr">stderr</button></div>
    <pre class="log" id="log">Loading…</pre><h2>Artifacts</h2><div id="artifacts"></div>`;
  document.querySelectorAll('[data-stream]').forEach(button => button.onclick = () => {
    selection.stream = button.dataset.stream;
    loadLog(path);
  });
  loadLog(path);
  try {
    const answer = await api(`${path}/artifacts`);
    $('#artifacts').innerHTML = answer.artifacts.length ? `<table id="artifact-table"><thead><tr><th>Name</th><th>Type</th><th>Value</th></tr></thead><tbody>
      ${answer.artifacts.map(a => `<tr><td>${esc(a.name)}</td><td>${esc(a.type)}</td><td><pre class="preview">${esc(a.preview)}${
        a.truncated ? '…' : ''}</pre></td></tr>`).join('')}</tbody></table>` : '<p class="muted">No artifacts.</p>';
  } catch (failure) {
    $('#artifacts').innerHTML = `<p class="muted">${esc(failure.message)}</p>`;
  }
}

async function loadLog(path) {
  try {
    $('#log').textContent = await api(`${path}/log?stream=${selection.stream}`) || '(empty)';
  } catch (failure) {
    $('#log').textContent = failure.message;
  }
}

// ---- Status and Pools ------------------------------------------------------------------------

function renderStatus() {
  $('#view').innerHTML = '<h1>Status</h1><div id="pools"></div>';
  const perPool = {};
  every(async () => {
    const answer = await api('api/pools');
    if (!answer.pools.length) {
      $('#pools').innerHTML = '<p class="muted">No compute pools here (a laptop runs everything itself).</p>';
      return;
    }
    for (const pool of answer.pools) {
      if (!perPool[pool.name]) {
        $('#pools').insertAdjacentHTML('beforeend', `<h2>${esc(pool.name)}</h2><div class="panel" style="display:flex">
          <div class="chart" style="flex:1" data-demand="${esc(pool.name)}"></div><div class="chart" style="flex:1" data-nodes="${esc(pool.name)}"></div></div>`);
        perPool[pool.name] = {
          demand: echarts.init(document.querySelector(`[data-demand="${CSS.escape(pool.name)}"]`)),
          nodes: echarts.init(document.querySelector(`[data-nodes="${CSS.escape(pool.name)}"]`)),
        };
        charts.push(perPool[pool.name].demand, perPool[pool.name].nodes);
      }
      // A few samples (a pool just seen) are dots, not an invisible line; the span is the samples', at least a minute.
      const showSymbol = pool.history.length < 30;
      const first = pool.history.length ? pool.history[0].at : Date.now();
      const last = pool.history.length ? pool.history[pool.history.length - 1].at : first;
      const time = {type: 'time', min: first, max: Math.max(last, first + 60_000)};
      const series = (name, field) => ({name, type: 'line', showSymbol, data: pool.history.map(s => [s.at, s[field]])});
      // the red capacity line stays in sight when demand is low; above it, the scale ends on a round step
      const peak = Math.max(0, ...pool.history.flatMap(s => [s.cpuPercent, s.memoryPercent, s.gpuPercent]).filter(v => v != null));
      const step = 10 ** Math.floor(Math.log10(Math.max(peak, 1))) / 2;
      const demandMax = peak < 110 ? 110 : Math.ceil(peak / step) * step;
      perPool[pool.name].demand.setOption({
        animation: false, title: {text: 'Demand, % of capacity', textStyle: {fontSize: 13}}, tooltip: {trigger: 'axis'},
        legend: {right: 0}, grid: {left: 60, right: 60, top: 40, bottom: 30},
        xAxis: time, yAxis: {type: 'value', min: 0, max: demandMax, axisLabel: {formatter: '{value} %'}},
        series: [series('CPU', 'cpuPercent'), series('memory', 'memoryPercent'), series('GPU', 'gpuPercent'),
          {type: 'line', data: [], markLine: {silent: true, symbol: 'none', lineStyle: {color: '#d62728', width: 2}, data: [{yAxis: 100}],
            label: {formatter: 'capacity'}}}],
      });
      perPool[pool.name].nodes.setOption({
        animation: false, title: {text: 'Nodes online', textStyle: {fontSize: 13}}, tooltip: {trigger: 'axis'},
        grid: {left: 50, right: 20, top: 40, bottom: 30}, xAxis: time,
        yAxis: {type: 'value', min: 0, max: extent => Math.max(extent.max, 1), minInterval: 1},
        series: [{name: 'nodes', type: 'line', step: 'end', showSymbol, data: pool.history.map(s => [s.at, s.nodes])}],
      });
    }
  });
}

function renderPools() {
  $('#view').innerHTML = `<h1>Pools</h1><table id="pool-table"><thead><tr><th>Pool</th><th>Node selector</th><th>Tolerations</th>
    <th>Largest task</th><th>Quota</th><th>Autoscaler</th><th>Nodes</th><th>Capacity</th><th>Demand (running + waiting)</th><th>Queued tasks</th></tr></thead>
    <tbody></tbody></table>`;
  const resources = r => r ? `${r.cpu} CPU, ${r.memoryGiB} GiB${r.gpu ? ', ' + r.gpu + ' GPU' : ''}` : '';
  every(async () => {
    const answer = await api('api/pools');
    $('#pool-table tbody').innerHTML = answer.pools.map(pool => `<tr><td>${esc(pool.name)}</td>
      <td>${esc(Object.entries(pool.nodeSelector || {}).map(([k, v]) => k + '=' + v).join(', '))}</td>
      <td>${esc((pool.tolerations || []).join(', '))}</td><td>${esc(pool.largestTask)}</td><td>${esc(pool.quota)}</td>
      <td>${esc(pool.autoscaler || 'none')}</td><td>${pool.nodes}</td>
      <td>${resources(pool.capacity)}</td><td>${resources(pool.demandRunning)} + ${resources(pool.demandWaiting)}</td>
      <td>${pool.queuedTasks}</td></tr>`).join('') || '<tr><td colspan="10" class="muted">No compute pools.</td></tr>';
  });
}

// ---- Routing ---------------------------------------------------------------------------------

function route() {
  clearView();
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  document.querySelectorAll('header nav a').forEach(a => a.classList.toggle('active', a.id === 'nav-' + (parts[0] === 'run' ? 'runs' : parts[0] || 'runs')));
  if (parts[0] === 'run' && parts.length === 4) {
    if (selection.run !== parts.slice(1).join('/')) {
      Object.assign(selection, {run: parts.slice(1).join('/'), step: null, offset: 0, task: null});
    }
    renderRun(parts[1], parts[2], parts[3]);
  } else if (parts[0] === 'status') {
    renderStatus();
  } else if (parts[0] === 'pools') {
    renderPools();
  } else {
    renderRuns();
  }
}

window.addEventListener('hashchange', route);
route();
