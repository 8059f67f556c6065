// The dashboard page: live status over SSE (polling /api/cluster if SSE fails), forms that call
// the gateway through the dashboard, metrics every 5 s, the run list. Plain browser JS.
(function () {
  'use strict';
  var $ = function (sel) { return document.querySelector(sel); };
  function text(v) { return v === null || v === undefined ? '–' : String(v); }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (k === 'class') e.className = attrs[k]; else e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { e.append(c instanceof Node ? c : document.createTextNode(text(c))); });
    return e;
  }

  function showStatus(s) {
    window.lastStatus = s;
    $('#updated').textContent = 'updated ' + new Date(s.atMs).toLocaleTimeString();
    var up = s.nodes.filter(function (n) { return n.up; }).length;
    var banner = $('#cluster-banner');
    if (up === 0 && !s.gateway.up) {
      banner.className = 'banner down';
      banner.textContent = 'The cluster is down: no node and no gateway answers (' + s.gateway.url + '). Start it with: npx just up';
    } else if (!s.leader) {
      banner.className = 'banner down';
      banner.textContent = 'No leader right now (' + up + ' of ' + s.nodes.length + ' nodes answer): writes wait or fail until one is elected.';
    } else if (!s.gateway.up) {
      banner.className = 'banner down';
      banner.textContent = 'The gateway at ' + s.gateway.url + ' does not answer (' + s.gateway.error + '); the nodes do.';
    } else {
      banner.className = 'banner ok';
      banner.textContent = up + ' of ' + s.nodes.length + ' nodes up; leader ' + s.leader + ' in term ' + s.term + '.';
    }
    $('#leader').textContent = text(s.leader);
    $('#term').textContent = text(s.term);
    $('#gateway').textContent = s.gateway.up ? 'up (' + s.gateway.url + ', sees leader ' + text(s.gateway.leaderId) + ')' : 'DOWN (' + s.gateway.error + ')';
    var body = $('#nodes tbody');
    body.replaceChildren.apply(body, s.nodes.map(function (n) {
      var state = n.up ? n.state : 'DOWN';
      return el('tr', { class: n.up ? state : 'down', 'data-node': n.id }, [
        el('td', {}, [n.id]), el('td', {}, [el('span', { class: 'state ' + state }, [state + (n.up ? '' : ' (' + n.error + ')')])]),
        el('td', { class: 'n' }, [n.term]), el('td', {}, [n.leader]), el('td', { class: 'n' }, [n.commitIndex]),
        el('td', { class: 'n' }, [n.lastApplied]), el('td', { class: 'n' }, [n.lagEntries]), el('td', {}, [n.url]),
      ]);
    }));
  }

  function poll() {
    fetch('/api/cluster').then(function (r) { return r.ok ? r.json() : null; }).then(function (s) { if (s) showStatus(s); }).catch(function () {
      $('#cluster-banner').className = 'banner down';
      $('#cluster-banner').textContent = 'The dashboard server does not answer.';
    });
  }
  if (window.EventSource) {
    var es = new EventSource('/api/cluster/stream');
    es.addEventListener('status', function (e) { showStatus(JSON.parse(e.data)); });
    es.onerror = function () { poll(); };
  } else {
    setInterval(poll, 1000);
  }

  function show(pre, res, body) {
    pre.textContent = 'HTTP ' + res.status + '\n' + JSON.stringify(body, null, 2);
    pre.dataset.status = String(res.status);
  }
  // The token lives in this tab only (sessionStorage) and goes with each client call; the
  // dashboard passes it to the gateway and never writes with its own.
  function token() { try { return sessionStorage.getItem('raftToken') || ''; } catch (e) { return ''; } }
  function showToken() {
    $('#token-status').textContent = token() ? 'a token is set for this tab' : 'no token yet: the forms below ask for one';
  }
  $('#token-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    try { sessionStorage.setItem('raftToken', ev.target.token.value.trim()); } catch (e) { /* storage off: nothing kept */ }
    ev.target.token.value = '';
    showToken();
  });
  showToken();

  function call(pre, url, init) {
    if (!token()) {
      pre.textContent = 'a token is needed first: paste one in the Token field above (npx just token create --role write prints one)';
      pre.dataset.status = 'no-token';
      $('#token-form input[name=token]').focus();
      return Promise.resolve();
    }
    init = Object.assign({}, init, { headers: Object.assign({}, init.headers || {}, { authorization: 'Bearer ' + token() }) });
    pre.textContent = '…';
    return fetch(url, init).then(function (res) {
      return res.text().then(function (t) { var b; try { b = JSON.parse(t); } catch (e) { b = t; } show(pre, res, b); });
    }).catch(function (err) { pre.textContent = 'request failed: ' + err.message; });
  }

  $('#write-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target;
    var data;
    try { data = JSON.parse(f.data.value); } catch (e) { $('#write-result').textContent = 'data is not valid JSON: ' + e.message; return; }
    call($('#write-result'), '/api/write', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: data, source: f.source.value || 'dashboard' }) });
  });
  $('#kv-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target;
    var op = ev.submitter ? ev.submitter.value : 'get';
    var url = '/api/kv/' + encodeURIComponent(f.key.value);
    if (op === 'put') call($('#kv-result'), url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: f.value.value }) });
    else call($('#kv-result'), url, {});
  });

  function loadMetrics() {
    fetch('/api/metrics').then(function (r) { return r.json(); }).then(function (m) {
      var p = m.prometheus;
      var st = $('#prom-status');
      st.className = p.up ? 'banner ok' : 'banner down';
      st.textContent = p.up ? 'Prometheus at ' + p.url + ' answers.' : (p.error || 'Prometheus is down') + '. The queries below are what to ask it once it runs (PROMETHEUS_URL says where); the node table below reads the nodes directly.';
      var rows = (p.up ? p.results : window.dashConfig.promql.map(function (q) { return Object.assign({ value: 'Prometheus down' }, q); }));
      var pb = $('#promql tbody');
      pb.replaceChildren.apply(pb, rows.map(function (q) { return el('tr', {}, [el('td', {}, [q.title]), el('td', {}, [el('code', {}, [q.promql])]), el('td', {}, [q.value + (q.unit && q.value && !/down|no data/.test(q.value) ? ' ' + q.unit : '')])]); }));
      var db = $('#direct tbody');
      db.replaceChildren.apply(db, m.nodes.map(function (n) {
        var v = n.values;
        return el('tr', { class: n.up ? '' : 'down' }, [el('td', {}, [n.node + (n.up ? '' : ' (down)')])].concat(['raft_writes_total', 'raft_elections_total', 'raft_term', 'raft_commit_index', 'raft_applied_index'].map(function (k) { return el('td', { class: 'n' }, [v[k]]); })));
      }));
    }).catch(function () { $('#prom-status').textContent = 'metrics unavailable: the dashboard server does not answer'; });
  }

  function loadRuns() {
    fetch('/api/runs').then(function (r) { return r.json(); }).then(function (runs) {
      var b = $('#runs tbody');
      b.replaceChildren.apply(b, runs.slice(0, 50).map(function (r) {
        var figures = Object.keys(r.figures).map(function (k) { return k + ' ' + r.figures[k]; }).join(' · ');
        return el('tr', {}, [el('td', {}, [r.startedAt]), el('td', {}, [r.kind]),
          el('td', {}, [el('a', { href: '/runs/' + encodeURIComponent(r.id) + '/index.html' }, [r.name])]),
          el('td', {}, [el('span', { class: 'badge ' + r.verdict }, [r.verdict])]), el('td', {}, [figures])]);
      }));
      if (runs.length === 0) b.replaceChildren(el('tr', {}, [el('td', { colspan: '5' }, ['No runs yet: npx just chaos leader-kill, or npx just bench 500rps'])]));
    });
  }

  fetch('/api/config').then(function (r) { return r.json(); }).then(function (c) {
    window.dashConfig = c;
    var g = $('#grafana-links');
    g.replaceChildren(
      el('a', { href: c.grafanaUrl + '/d/raft-cluster' }, ['Raft cluster']), ' · ',
      el('a', { href: c.grafanaUrl + '/d/raft-gateway' }, ['gateway']), ' · ',
      el('a', { href: c.grafanaUrl + '/dashboards' }, ['all dashboards']), ' · ',
      el('a', { href: c.grafanaUrl + '/explore' }, ['explore']), ' · ',
      el('span', { class: 'meta' }, ['(' + c.grafanaUrl + ', set GRAFANA_URL)']));
    loadMetrics();
    setInterval(loadMetrics, 5000);
  });
  loadRuns();
  setInterval(loadRuns, 10000);
})();
