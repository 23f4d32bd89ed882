/**
 * The board's script, served by the board itself: it polls the JSON API, draws each bucket with DOM
 * calls (never HTML built from data) and its charts as inline SVG, and sends the actions. Plain
 * browser JavaScript, no library, nothing to build.
 */
export const BOARD_SCRIPT = String.raw`(function () {
  'use strict';
  var body = document.body;
  var base = body.getAttribute('data-base');
  var readOnly = body.getAttribute('data-read-only') === 'true';
  var showValues = body.getAttribute('data-show-values') === 'true';
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = tokenMeta ? tokenMeta.getAttribute('content') : null;
  var POLL_MS = 2000;
  var SVG = 'http://www.w3.org/2000/svg';
  var CHART_W = 300;
  var CHART_H = 80;
  var cards = {};
  var lastOverview = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var name in attrs || {}) node.setAttribute(name, attrs[name]);
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    for (var name in attrs) node.setAttribute(name, String(attrs[name]));
    return node;
  }

  function count(n) { return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'); }
  function percent(r) { return r === null || r === undefined ? '–' : (r * 100).toFixed(1) + ' %'; }
  function rate(n) { return n === null || n === undefined ? '–' : (n < 10 ? n.toFixed(2) : n.toFixed(0)) + '/s'; }
  function duration(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 120000) return (ms / 1000).toFixed(1) + ' s';
    if (ms < 7200000) return Math.round(ms / 60000) + ' min';
    return (ms / 3600000).toFixed(1) + ' h';
  }
  function ago(iso) {
    if (!iso) return 'never';
    var ms = Date.now() - Date.parse(iso);
    return ms < 1500 ? 'just now' : duration(ms) + ' ago';
  }
  function bytes(n) {
    if (n === null || n === undefined) return '–';
    if (n < 1024) return n + ' B';
    if (n < 1048576) return (n / 1024).toFixed(1) + ' KiB';
    return (n / 1048576).toFixed(1) + ' MiB';
  }

  var FIELDS = [
    ['entries', 'Entries'], ['weight', 'Weight'], ['hitRatio', 'Hit ratio'], ['loads', 'Loads'],
    ['loadErrors', 'Load errors'], ['evictions', 'Evictions'], ['startedFrom', 'Started from'],
    ['lastRefresh', 'Last refresh'], ['refreshResult', 'Refresh result'], ['dumpAge', 'Last dump'],
    ['dumpSize', 'Dump size'], ['dumpError', 'Dump error']
  ];
  var CHARTS = [['hitRatio', 'Hit ratio'], ['loadsPerSecond', 'Loads per second'], ['entries', 'Entries']];

  function buildCard(name) {
    var card = { fields: {}, rows: {}, charts: {}, nows: {} };
    var stats = el('dl', { 'class': 'stats' });
    FIELDS.forEach(function (field) {
      var dd = el('dd', { 'data-field': field[0] });
      var row = el('div', {}, [el('dt', {}, [field[1]]), dd]);
      card.fields[field[0]] = dd;
      card.rows[field[0]] = row;
      stats.appendChild(row);
    });
    var charts = el('div', { 'class': 'charts' });
    CHARTS.forEach(function (chart) {
      var now = el('span', { 'class': 'now' });
      var graphic = svg('svg', { 'class': 'chart', 'data-chart': chart[0], viewBox: '0 0 ' + CHART_W + ' ' + CHART_H, preserveAspectRatio: 'none', role: 'img' });
      graphic.setAttribute('aria-label', chart[1]);
      card.charts[chart[0]] = graphic;
      card.nows[chart[0]] = now;
      var caption = el('figcaption', {}, [chart[1], now]);
      var figure = el('figure', {}, [caption]);
      figure.appendChild(graphic);
      charts.appendChild(figure);
    });
    card.health = el('span', { 'class': 'badge', 'data-field': 'health' });
    card.role = el('span', { 'class': 'badge', 'data-field': 'clusterRole' });
    card.reasons = el('p', { 'class': 'reasons', 'data-field': 'reasons', hidden: '' });
    card.message = el('p', { 'class': 'message', 'data-field': 'message', role: 'status' });
    card.window = el('span', { 'class': 'window' });

    var key = el('input', { name: 'key', placeholder: 'key', 'aria-label': 'key', autocomplete: 'off' });
    var format = el('select', { name: 'format', 'aria-label': 'key format' }, [
      el('option', { value: 'text' }, ['text']), el('option', { value: 'json' }, ['JSON'])
    ]);
    var result = el('div', { 'class': 'lookup-result', 'data-field': 'lookup' });
    var lookup = el('button', { type: 'submit', 'data-action': 'lookup' }, ['Look up']);
    var form = el('form', { 'class': 'tools', 'data-form': 'lookup' }, [key, format, lookup]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      lookUp(name, key.value, format.value, result);
    });
    if (!readOnly) {
      var invalidate = el('button', { type: 'button', 'class': 'secondary', 'data-action': 'invalidate' }, ['Invalidate']);
      invalidate.addEventListener('click', function () {
        act(card, name, 'invalidate', { key: key.value, format: format.value }, function (answer) {
          return answer.invalidated ? 'invalidated ' + key.value : key.value + ' was not cached';
        });
      });
      form.appendChild(invalidate);
    }

    var root = el('section', { 'class': 'bucket', 'data-bucket': name }, [
      el('header', {}, [el('h2', {}, [name]), card.role, card.health]), card.reasons, stats, charts, form, result
    ]);
    if (!readOnly) {
      var actions = el('div', { 'class': 'tools actions' });
      [['refresh', 'Refresh now', ''], ['dump', 'Dump now', 'secondary'], ['clear', 'Clear', 'danger']].forEach(function (action) {
        var button = el('button', { type: 'button', 'class': action[2], 'data-action': action[0] }, [action[1]]);
        button.addEventListener('click', function () {
          if (action[0] === 'clear' && !window.confirm('Remove every entry of ' + name + '?')) return;
          act(card, name, action[0], null, describeAnswer[action[0]]);
        });
        actions.appendChild(button);
      });
      root.appendChild(actions);
    }
    root.appendChild(card.message);
    card.root = root;
    return card;
  }

  var describeAnswer = {
    refresh: function (r) { return 'refreshed ' + r.refreshed + ', failed ' + r.failed + ', skipped ' + r.skipped + ' in ' + duration(r.durationMs); },
    dump: function (r) { return r.ok ? 'dumped ' + count(r.entries) + ' entries, ' + bytes(r.bytes) + ' in ' + duration(r.durationMs) : 'dump failed: ' + r.error; },
    clear: function (r) { return 'cleared ' + count(r.cleared) + ' entries'; }
  };

  function show(card, field, value, visible) {
    card.fields[field].textContent = value;
    card.rows[field].hidden = visible === false;
  }

  function update(card, b) {
    show(card, 'entries', count(b.entries));
    show(card, 'weight', count(b.weight), b.weight !== undefined);
    show(card, 'hitRatio', percent(b.hitRatio));
    show(card, 'loads', count(b.loads));
    show(card, 'loadErrors', count(b.loadErrors));
    show(card, 'evictions', count(b.evictions), b.evictions !== undefined);
    show(card, 'startedFrom', b.startedFrom || '–');
    var refresh = b.refresh;
    show(card, 'lastRefresh', ago(refresh.lastAt) + (refresh.intervalMs ? ' (every ' + duration(refresh.intervalMs) + ')' : ' (no periodic refresh)'));
    var last = refresh.lastResult;
    show(card, 'refreshResult', last ? last.refreshed + ' ok, ' + last.failed + ' failed' + (last.skipped ? ', ' + last.skipped + ' skipped' : '') + ' in ' + duration(refresh.lastDurationMs) : '–');
    var dump = b.dump;
    show(card, 'dumpAge', dump ? (dump.lastWrittenAt ? ago(dump.lastWrittenAt) : 'none since start (' + duration(dump.ageMs) + ')') : 'no dump file', true);
    show(card, 'dumpSize', dump ? bytes(dump.bytes) : '–', dump !== null);
    show(card, 'dumpError', dump && dump.lastError ? dump.lastError : '', Boolean(dump && dump.lastError));
    card.fields.dumpError.className = 'error';
    card.health.textContent = b.health.status;
    card.health.className = 'badge ' + b.health.status;
    card.role.textContent = b.clusterRole;
    card.reasons.textContent = (b.health.reasons || []).join('; ');
    card.reasons.hidden = !b.health.reasons;
    var h = b.history;
    draw(card.charts.hitRatio, h.at, h.hitRatio, 1);
    draw(card.charts.loadsPerSecond, h.at, h.loadsPerSecond, null);
    draw(card.charts.entries, h.at, h.entries, null);
    card.nows.hitRatio.textContent = percent(lastValue(h.hitRatio));
    card.nows.loadsPerSecond.textContent = rate(lastValue(h.loadsPerSecond));
    card.nows.entries.textContent = count(lastValue(h.entries));
  }

  function lastValue(values) {
    for (var i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i];
    return null;
  }

  /** A line over the samples kept, scaled to their own time span; gaps where a value is null. */
  function draw(graphic, at, values, fixedMax) {
    while (graphic.firstChild) graphic.removeChild(graphic.firstChild);
    graphic.appendChild(svg('line', { 'class': 'grid', x1: 0, y1: CHART_H - 0.5, x2: CHART_W, y2: CHART_H - 0.5 }));
    var top = fixedMax;
    if (top === null) {
      top = 0;
      values.forEach(function (v) { if (v !== null && v > top) top = v; });
      top = top > 0 ? top * 1.1 : 1;
    }
    graphic.setAttribute('data-points', String(values.filter(function (v) { return v !== null; }).length));
    if (at.length === 0) return;
    var first = at[0];
    var span = Math.max(at[at.length - 1] - first, 1);
    var segment = [];
    var segments = [segment];
    at.forEach(function (t, i) {
      if (values[i] === null) { segment = []; segments.push(segment); return; }
      var x = at.length === 1 ? CHART_W : ((t - first) / span) * CHART_W;
      var y = CHART_H - 2 - (values[i] / top) * (CHART_H - 14);
      segment.push([x, y]);
    });
    segments.forEach(function (points) {
      if (points.length === 0) return;
      if (points.length === 1) {
        graphic.appendChild(svg('circle', { 'class': 'dot', cx: points[0][0], cy: points[0][1], r: 2.5 }));
        return;
      }
      var line = points.map(function (p) { return p[0].toFixed(1) + ',' + p[1].toFixed(1); }).join(' ');
      graphic.appendChild(svg('polygon', { 'class': 'area', points: points[0][0].toFixed(1) + ',' + CHART_H + ' ' + line + ' ' + points[points.length - 1][0].toFixed(1) + ',' + CHART_H }));
      graphic.appendChild(svg('polyline', { 'class': 'line', points: line }));
    });
    var label = svg('text', { x: 3, y: 10 });
    label.textContent = fixedMax === 1 ? '100 %' : 'max ' + (top / 1.1).toLocaleString('en-US', { maximumFractionDigits: 2 });
    graphic.appendChild(label);
    var spanLabel = svg('text', { x: CHART_W - 3, y: 10, 'text-anchor': 'end' });
    spanLabel.textContent = 'last ' + duration(span);
    graphic.appendChild(spanLabel);
  }

  function render(overview) {
    lastOverview = overview;
    var main = document.getElementById('buckets');
    overview.buckets.forEach(function (b) {
      if (!cards[b.bucket]) {
        cards[b.bucket] = buildCard(b.bucket);
        main.appendChild(cards[b.bucket].root);
      }
      update(cards[b.bucket], b);
    });
    if (overview.buckets.length === 0) main.textContent = 'No bucket is registered.';
    document.getElementById('updated').textContent = 'updated ' + new Date(overview.generatedAt).toLocaleTimeString('en-GB');
  }

  function banner(text) {
    var node = document.getElementById('banner');
    node.textContent = text || '';
    node.hidden = !text;
  }

  function request(method, path, payload) {
    var headers = { accept: 'application/json' };
    if (method === 'POST') headers['x-csrf-token'] = csrfToken;
    if (payload) headers['content-type'] = 'application/json';
    return fetch(base + path, { method: method, headers: headers, body: payload ? JSON.stringify(payload) : undefined, credentials: 'same-origin' })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (!response.ok) throw new Error(answer.message || response.status + ' ' + response.statusText);
          return answer;
        });
      });
  }

  function poll() {
    return request('GET', '/api/buckets').then(function (overview) { banner(''); render(overview); }, function (error) {
      banner('The board can not reach its API: ' + error.message);
    });
  }

  function lookUp(bucket, key, format, result) {
    var query = '?key=' + encodeURIComponent(key) + '&format=' + encodeURIComponent(format);
    request('GET', '/api/buckets/' + encodeURIComponent(bucket) + '/lookup' + query).then(function (answer) {
      result.textContent = '';
      result.appendChild(el('strong', {}, [key]));
      result.appendChild(document.createTextNode(answer.present ? ' is cached' : ' is not cached'));
      if (answer.value !== undefined) result.appendChild(el('pre', { 'data-field': 'value' }, [answer.value]));
      else if (answer.present && !showValues) result.appendChild(document.createTextNode(' (values are not shown)'));
      if (answer.storedAt !== undefined) {
        var times = 'stored ' + answer.storedAt + (answer.lastReadAt ? ', last read ' + answer.lastReadAt : '') +
          (answer.expiresAt ? ', expires ' + answer.expiresAt : ', no expiry');
        result.appendChild(el('div', { 'data-field': 'times' }, [times]));
      }
    }, function (error) {
      result.textContent = error.message;
    });
  }

  function act(card, bucket, action, payload, describe) {
    var buttons = card.root.querySelectorAll('button');
    buttons.forEach(function (button) { button.disabled = true; });
    card.message.className = 'message';
    card.message.textContent = action + '…';
    request('POST', '/api/buckets/' + encodeURIComponent(bucket) + '/' + action, payload).then(function (answer) {
      card.message.textContent = describe(answer);
    }, function (error) {
      card.message.className = 'message error';
      card.message.textContent = action + ' failed: ' + error.message;
    }).then(poll).then(function () {
      buttons.forEach(function (button) { button.disabled = false; });
    });
  }

  poll();
  setInterval(poll, POLL_MS);
  setInterval(function () { if (lastOverview) render(lastOverview); }, 1000);
})();
`;
