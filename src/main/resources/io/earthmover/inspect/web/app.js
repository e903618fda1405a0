// The inspection page. Everything that comes from the stream (keys, feature names, reasons, model
// versions) reaches the document only as text (textContent, SVG text nodes): never as markup.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const COLOURS = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f', '#78350f'];

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = String(text);
  return e;
}

function num(v, digits) {
  return typeof v === 'number' && isFinite(v) ? v.toPrecision(digits || 4) : '—';
}

function time(ms) {
  return typeof ms === 'number' ? new Date(ms).toISOString().replace('T', ' ').replace('Z', '') : '—';
}

async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  let body = null;
  try { body = await r.json(); } catch (e) { body = { error: 'not JSON (' + r.status + ')' }; }
  return { ok: r.ok, status: r.status, body };
}

function features(list) {
  return (list || []).map(f => f.feature + ' ' + num(f.contribution, 2)).join(', ');
}

async function loadAlarms() {
  const { ok, body } = await getJson('api/anomalies?limit=200');
  const tbody = document.querySelector('#alarms tbody');
  tbody.replaceChildren();
  if (!ok) {
    setStatus('alarms: ' + (body.error || 'error'));
    return;
  }
  for (const a of body.anomalies) {
    const tr = el('tr');
    tr.append(el('td', time(a.ts)));
    const td = el('td');
    const b = el('button', a.key, 'keylink');
    b.type = 'button';
    b.dataset.hex = a.keyHex;
    b.addEventListener('click', () => openKey(a.keyHex));
    td.append(b);
    tr.append(td, el('td', a.reason || '—'), el('td', num(a.score), 'num'), el('td', features(a.topFeatures)),
      feedbackCell(a));
    tbody.append(tr);
  }
  document.getElementById('alarms-empty').hidden = body.anomalies.length > 0;
  const missing = body.unansweredInstances || [];
  setStatus('instance ' + body.answeredBy + ' · ' + body.anomalies.length + ' alarm(s)'
    + (missing.length ? ' · no answer from ' + missing.join(', ') : '') + ' · ' + new Date().toLocaleTimeString());
}

// "false alarm": POST api/feedback, which raises the key's alarm threshold for a while. With
// inspect.auth.token set the server answers 401: the token is asked for once and kept for the tab.
function feedbackCell(a) {
  const td = el('td');
  if (a.id === undefined || a.id === null) return td;
  const b = el('button', 'false alarm', 'feedback');
  b.type = 'button';
  b.addEventListener('click', async () => {
    b.disabled = true;
    const r = await sendFeedback({ key: a.key, id: String(a.id), label: 'false_alarm' });
    b.textContent = r.ok ? 'marked' : 'failed: ' + (r.body.error || r.status);
    b.disabled = r.ok;
  });
  td.append(b);
  return td;
}

async function sendFeedback(message) {
  for (let attempt = 0; ; attempt++) {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const token = sessionStorage.getItem('earthmover-token');
    if (token) headers.Authorization = 'Bearer ' + token;
    const r = await fetch('api/feedback', { method: 'POST', headers, body: JSON.stringify(message) });
    let body = null;
    try { body = await r.json(); } catch (e) { body = { error: 'not JSON (' + r.status + ')' }; }
    if (r.status !== 401 || attempt > 0) return { ok: r.ok, status: r.status, body };
    const entered = window.prompt('Feedback needs the scorer\'s token (inspect.auth.token):');
    if (!entered) return { ok: false, status: 401, body };
    sessionStorage.setItem('earthmover-token', entered);
  }
}

function setStatus(text) {
  document.getElementById('status').textContent = text;
}

function hexOf(text) {
  return Array.from(new TextEncoder().encode(text), b => b.toString(16).padStart(2, '0')).join('');
}

async function openKey(hex) {
  if (location.hash !== '#key=' + hex) history.replaceState(null, '', '#key=' + hex);
  const section = document.getElementById('key-section');
  section.hidden = false;
  const err = document.getElementById('key-error');
  const { ok, body } = await getJson('api/keys?hex=' + encodeURIComponent(hex));
  document.getElementById('key-name').textContent = body.key !== undefined ? body.key : '';
  if (!ok) {
    err.textContent = body.error || 'error';
    err.hidden = false;
    return;
  }
  err.hidden = true;
  renderKey(body);
}

function renderKey(k) {
  const outs = k.outputs;
  const dl = document.getElementById('key-state');
  dl.replaceChildren();
  const s = k.state;
  for (const [name, v] of [['answered by', k.answeredBy], ['outputs held', s.outputsHeld], ['window filled', s.windowFilled],
    ['in alarm', s.inAlarm], ['alarm level', num(s.alarmScore)], ['alarm threshold', num(s.alarmThreshold)],
    ['alarms held', s.alarmsHeld], ['last alarm', time(s.lastAlarmTs)],
    ...(s.modelName ? [['model name', s.modelName]] : []), ['model', s.model]]) {
    dl.append(el('dt', name), el('dd', v));
  }
  const alarms = outs.filter(o => o.anomaly);
  scoreChart(outs);
  valueChart(outs);
  const attributed = [...outs].reverse().find(o => o.anomaly && o.topFeatures && o.topFeatures.length)
    || [...outs].reverse().find(o => o.topFeatures && o.topFeatures.length);
  attribution(attributed);
  expected([...outs].reverse().find(o => o.expected && typeof o.expected === 'object'));
  const tbody = document.querySelector('#outputs tbody');
  tbody.replaceChildren();
  for (const o of [...outs].reverse()) {
    const tr = el('tr', null, o.anomaly ? 'anomaly' : '');
    tr.append(el('td', time(o.ts)), el('td', num(o.score), 'num'), el('td', num(o.threshold), 'num'),
      el('td', num(o.likelihood), 'num'), el('td', num(o.alarmScore), 'num'), el('td', o.anomaly ? 'yes' : ''),
      el('td', o.reason || ''), el('td', Object.entries(o.values || {}).map(([f, v]) => f + '=' + num(v)).join(' ')));
    tbody.append(tr);
  }
  return alarms;
}

// A line chart in inline SVG: series of {name, colour, points:[[x, y]]}, horizontal lines and alarm marks at x.
function lineChart(root, series, hlines, marks) {
  root.replaceChildren();
  const W = root.clientWidth || 800, H = root.clientHeight || 220, L = 56, R = 8, T = 8, B = 22;
  root.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  const xs = series.flatMap(s => s.points.map(p => p[0]));
  const ys = series.flatMap(s => s.points.map(p => p[1])).concat(hlines.map(h => h.y)).filter(isFinite);
  if (!xs.length || !ys.length) {
    root.append(svg('text', { x: L, y: H / 2, class: 'label' }, 'no scored outputs yet'));
    return;
  }
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
  const px = x => L + (x - x0) / (x1 - x0) * (W - L - R);
  const py = y => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
  root.append(svg('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }),
    svg('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }),
    svg('text', { x: 2, y: T + 10, class: 'label' }, num(y1, 3)),
    svg('text', { x: 2, y: H - B, class: 'label' }, num(y0, 3)),
    svg('text', { x: L, y: H - 6, class: 'label' }, time(x0)),
    svg('text', { x: W - R, y: H - 6, class: 'label', 'text-anchor': 'end' }, time(x1)));
  for (const m of marks) root.append(svg('line', { x1: px(m), y1: T, x2: px(m), y2: H - B, class: 'alarm-line' }));
  for (const h of hlines) {
    root.append(svg('line', { x1: L, y1: py(h.y), x2: W - R, y2: py(h.y), class: 'threshold' }),
      svg('text', { x: W - R - 2, y: py(h.y) - 3, class: 'label', 'text-anchor': 'end' }, h.name + ' ' + num(h.y, 3)));
  }
  for (const s of series) {
    const pts = s.points.filter(p => isFinite(p[1])).sort((p, q) => p[0] - q[0]);
    if (!pts.length) continue;
    const d = pts.map((p, i) => (i ? 'L' : 'M') + px(p[0]).toFixed(1) + ' ' + py(p[1]).toFixed(1)).join(' ');
    const path = svg('path', { d, stroke: s.colour });
    path.append(svg('title', {}, s.name));
    root.append(path);
    for (const p of s.alarmPoints || []) root.append(svg('circle', { cx: px(p[0]), cy: py(p[1]), r: 4, class: 'alarm' }));
  }
}

function finite(v) { return typeof v === 'number' && isFinite(v) ? v : NaN; }

function scoreChart(outs) {
  const pts = outs.map(o => [o.ts, finite(o.score)]);
  const series = [{ name: 'score', colour: COLOURS[0], points: pts,
    alarmPoints: outs.filter(o => o.anomaly).map(o => [o.ts, finite(o.score)]).filter(p => isFinite(p[1])) }];
  const hlines = [];
  const last = [...outs].reverse().find(o => typeof o.threshold === 'number');
  if (last) hlines.push({ name: 'threshold', y: last.threshold });
  if (outs.some(o => typeof o.alarmScore === 'number')) {
    series.push({ name: 'alarm level', colour: COLOURS[3], points: outs.map(o => [o.ts, finite(o.alarmScore)]) });
    const a = [...outs].reverse().find(o => typeof o.alarmThreshold === 'number');
    if (a) hlines.push({ name: 'alarm threshold', y: a.alarmThreshold });
  }
  lineChart(document.getElementById('score-chart'), series, hlines, outs.filter(o => o.anomaly).map(o => o.ts));
}

function valueChart(outs) {
  const names = [...new Set(outs.flatMap(o => Object.keys(o.values || {})))];
  const legend = document.getElementById('legend');
  legend.replaceChildren();
  const series = names.map((n, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const sw = el('i');
    sw.style.background = colour;
    const item = el('span');
    item.append(sw, document.createTextNode(n));
    legend.append(item);
    return { name: n, colour, points: outs.map(o => [o.ts, finite((o.values || {})[n])]),
      alarmPoints: outs.filter(o => o.anomaly).map(o => [o.ts, finite((o.values || {})[n])]).filter(p => isFinite(p[1])) };
  });
  lineChart(document.getElementById('value-chart'), series, [], outs.filter(o => o.anomaly).map(o => o.ts));
}

function attribution(o) {
  const root = document.getElementById('attribution');
  root.replaceChildren();
  document.getElementById('attribution-at').textContent = o ? '(output at ' + time(o.ts) + ')' : '(no attributed output held)';
  if (!o) return;
  const max = Math.max(...o.topFeatures.map(f => Math.abs(f.contribution) || 0), 1e-12);
  for (const f of o.topFeatures) {
    const row = el('div', null, 'bar-row');
    const bar = el('div', null, 'bar');
    bar.style.width = (100 * Math.abs(f.contribution || 0) / max).toFixed(1) + '%';
    const track = el('div');
    track.append(bar);
    row.append(el('span', f.feature, 'bar-name'), track, el('span', num(f.contribution, 3), 'num'));
    root.append(row);
  }
}

function expected(o) {
  const section = document.getElementById('expected-section');
  section.hidden = !o;
  const tbody = document.querySelector('#expected tbody');
  tbody.replaceChildren();
  if (!o) return;
  for (const [f, e] of Object.entries(o.expected)) {
    const a = (o.values || {})[f];
    const tr = el('tr');
    tr.append(el('td', f), el('td', num(a), 'num'), el('td', num(e), 'num'),
      el('td', typeof a === 'number' && typeof e === 'number' ? num(a - e) : '—', 'num'));
    tbody.append(tr);
  }
}

function fromHash() {
  const m = /^#key=([0-9a-f]*)$/.exec(location.hash);
  if (m && m[1]) openKey(m[1]);
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('refresh').addEventListener('click', loadAlarms);
  document.getElementById('key-form').addEventListener('submit', ev => {
    ev.preventDefault();
    openKey(hexOf(document.getElementById('key-input').value));
  });
  loadAlarms();
  fromHash();
  setInterval(loadAlarms, 10000);
});
