/* app.js: the dashboard of `dnsdeps watch` (docs/web.md). Plain JS, no
 * library. Reads the JSON API (docs/api.md) and polls it, so a change in
 * the world shows without a reload. Every string from the server goes into
 * the page through textContent (never parsed as HTML), with control characters
 * shown as \xNN escapes, as the text output of dnsdeps shows them. */
"use strict";

const POLL_MS = 2000;
const PAGE = 100;
const state = { domains: [], sort: "status", asc: true, filter: "", status: "", page: 0,
                view: null, timer: null, lastFocus: null };
const RANK = { critical: 0, warning: 1, unknown: 2, ok: 3 };

/* ---- safe DOM ------------------------------------------------------------- */

function clean(s) {
  if (s === null || s === undefined) return "";
  return String(s).replace(/[\u0000-\u001f\u007f-\u009f]/g,
    c => "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0"));
}

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "on") for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
    else e.setAttribute(k, v);
  }
  for (const k of kids) {
    if (k === null || k === undefined) continue;
    e.appendChild(typeof k === "string" || typeof k === "number"
      ? document.createTextNode(clean(k)) : k);
  }
  return e;
}

function statusBadge(s) {
  return el("span", { class: "status status-" + (s || "none") }, s || "not checked");
}

function when(t) {
  return t ? new Date(t * 1000).toISOString().replace("T", " ").replace(".000Z", " UTC") : "—";
}

function countdown(t) {
  if (!t) return "unknown";
  const days = Math.floor((t * 1000 - Date.now()) / 86400000);
  return days < 0 ? "expired " + (-days) + " d ago" : "in " + days + " d";
}

async function api(path) {
  const r = await fetch("/api/v1/" + path, { cache: "no-store", credentials: "same-origin" });
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  return r.json();
}

function setMain(...kids) {
  const m = document.getElementById("main");
  m.replaceChildren(...kids);
}

function stamp(doc) {
  document.getElementById("updated").textContent = "updated " + when(doc.time);
}

/* ---- the domains table ----------------------------------------------------------- */

function compare(a, b) {
  const k = state.sort;
  let x, y;
  if (k === "status") { x = RANK[a.status] ?? 4; y = RANK[b.status] ?? 4; }
  else if (k === "expires") { x = a.expires ?? Infinity; y = b.expires ?? Infinity; }
  else { x = String(a[k] ?? ""); y = String(b[k] ?? ""); }
  const c = x < y ? -1 : x > y ? 1 : a.domain < b.domain ? -1 : 1;
  return state.asc ? c : -c;
}

function visible() {
  const f = state.filter.toLowerCase();
  return state.domains.filter(d => (!state.status || d.status === state.status) &&
    (!f || d.domain.includes(f) || String(d.summary || "").toLowerCase().includes(f) ||
     String(d.layer || "").includes(f))).sort(compare);
}

function header(key, label) {
  const cls = state.sort === key ? "sorted" + (state.asc ? " asc" : "") : "";
  return el("th", { class: cls, "data-key": key, on: { click: () => {
    state.asc = state.sort === key ? !state.asc : true;
    state.sort = key; state.page = 0; renderTable();
  } } }, label);
}

function row(d) {
  return el("tr", { "data-domain": d.domain },
    el("td", {}, el("a", { href: "#/domain/" + encodeURIComponent(d.domain) }, d.domain)),
    el("td", { class: "cell-status" }, statusBadge(d.status)),
    el("td", { class: "cell-layer" }, d.layer || ""),
    el("td", { class: "summary" }, d.summary || ""),
    el("td", { title: when(d.expires) }, countdown(d.expires)),
    el("td", {}, when(d.checked)));
}

function renderTable() {
  const rows = visible();
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  state.page = Math.min(state.page, pages - 1);
  const shown = rows.slice(state.page * PAGE, (state.page + 1) * PAGE);
  const filter = el("input", { type: "search", id: "filter", placeholder: "filter: name, layer or text",
    value: state.filter, on: { input: e => { state.filter = e.target.value; state.page = 0; renderTable(); } } });
  const sel = el("select", { id: "status-filter", on: { change: e => {
    state.status = e.target.value; state.page = 0; renderTable(); } } },
    ...["", "critical", "warning", "unknown", "ok"].map(s => {
      const o = el("option", { value: s }, s || "any status");
      if (s === state.status) o.selected = true;
      return o;
    }));
  const pager = el("span", { class: "pager" },
    el("button", { id: "prev", on: { click: () => { state.page--; renderTable(); } } }, "‹"),
    `page ${state.page + 1} of ${pages}`,
    el("button", { id: "next", on: { click: () => { state.page++; renderTable(); } } }, "›"));
  pager.children[0].disabled = state.page === 0;
  pager.children[1].disabled = state.page >= pages - 1;
  const focus = document.activeElement && document.activeElement.id;
  setMain(el("div", { class: "controls" }, filter, sel, pager,
             el("span", { class: "muted", id: "count" }, `${rows.length} of ${state.domains.length} domains`)),
    el("table", { id: "domains" },
      el("thead", {}, el("tr", {}, header("domain", "Domain"), header("status", "Status"),
        header("layer", "Layer"), header("summary", "Summary"), header("expires", "Registry expiry"),
        header("checked", "Checked"))),
      el("tbody", {}, ...shown.map(row))));
  if (focus === "filter") {
    const f = document.getElementById("filter");
    f.focus();
    f.setSelectionRange(f.value.length, f.value.length);
  }
}

async function loadDomains() {
  const doc = await api("domains");
  state.domains = doc.domains;
  stamp(doc);
  if (state.view === "table") renderTable();
}

/* ---- one domain ---------------------------------------------------------------------- */

function findingCard(f) {
  return el("div", { class: "finding sev-" + (f.severity || "info") },
    el("div", {}, el("span", { class: "code" }, f.code || ""), " · ", f.severity || "", " · ", f.layer || ""),
    el("div", { class: "message" }, f.message || ""),
    f.advice ? el("div", { class: "advice" }, "Advice: ", f.advice) : null);
}

function timeline(h) {
  const items = h.rounds.map(r => ({ t: r.time, n: 0, r }))
    .concat(h.events.map(e => ({ t: e.time, n: 1, e })))
    .sort((a, b) => b.t - a.t || b.n - a.n).slice(0, 300);
  return el("ul", { class: "timeline", id: "timeline" }, ...items.map(i => i.r
    ? el("li", {}, when(i.t), " ", statusBadge(i.r.status), " ", i.r.layer, " — ", i.r.summary)
    : el("li", { class: "event" }, when(i.t), " ", i.e.kind, ": ", i.e.detail)));
}

/* The dependency graph: the SVG as an image (an <img> runs no script in it)
 * and the single points of failure from the graph's document. */
function graphCard(name, g) {
  const deps = (g && g.dependencies) || {};
  const spofs = (deps.spofs || []).concat(deps.group_spofs || []);
  const src = "/api/v1/domains/" + encodeURIComponent(name) + "/graph.svg";
  return el("div", { class: "card", id: "graph" }, el("h3", {}, "Dependency graph"),
    g ? el("div", {},
      el("p", {}, spofs.length ? "Single points of failure (red border in the graph):" : "No single point of failure."),
      el("ul", { id: "spofs" }, ...spofs.map(s => el("li", {}, el("span", { class: "kind" }, s.kind + " "), s.name,
        s.advice ? el("div", { class: "advice" }, s.advice) : null))),
      el("a", { href: src, target: "_blank", rel: "noopener" },
        el("img", { id: "graph-img", src: src + "?t=" + (g.time || ""), alt: "dependency graph of " + clean(name) })))
      : el("p", { class: "muted" }, "No graph yet (the service gathers dependencies unless --no-deps)."));
}

async function graphDoc(name) {
  const r = await fetch("/api/v1/domains/" + encodeURIComponent(name) + "/graph", { cache: "no-store" });
  return r.ok ? r.json() : null;
}

/* The latest evidence document (docs/evidence.md), saved as a file that
 * `dnsdeps report FILE` replays; its file name keeps only safe bytes. */
function evidenceLink(name) {
  const file = String(name).replace(/\.$/, "").replace(/[^A-Za-z0-9.-]/g, "_") + ".evidence.json";
  return el("p", {}, el("a", { id: "evidence-link", download: file,
    href: "/api/v1/domains/" + encodeURIComponent(name) + "/evidence" }, "evidence (JSON)"),
    el("span", { class: "muted" }, " the latest check's whole evidence; dnsdeps report FILE replays it"));
}

async function renderDomain(name) {
  const [d, h, g] = await Promise.all([api("domains/" + encodeURIComponent(name)),
                                       api("domains/" + encodeURIComponent(name) + "/history"),
                                       graphDoc(name)]);
  stamp(d);
  const r = d.round, facts = r.facts || {};
  const findings = Array.isArray(r.findings) ? r.findings : [];
  setMain(
    el("h2", { id: "domain-name" }, r.domain, " ", statusBadge(r.status)),
    el("p", { id: "domain-summary" }, r.summary || "not checked yet"),
    evidenceLink(r.domain),
    el("div", { class: "cols" },
      el("div", {},
        el("div", { class: "card" }, el("h3", {}, "Facts"),
          el("table", { id: "facts" }, el("tbody", {},
            el("tr", {}, el("th", {}, "Layer"), el("td", {}, r.layer || "")),
            el("tr", {}, el("th", {}, "Checked"), el("td", {}, when(r.checked))),
            el("tr", {}, el("th", {}, "Registrar"), el("td", { id: "registrar" }, facts.registrar || "unknown")),
            el("tr", {}, el("th", {}, "Registry expiry"), el("td", {}, when(facts.expires), " (", countdown(facts.expires), ")")),
            el("tr", {}, el("th", {}, "Statuses"), el("td", {}, (facts.statuses || []).join(", "))),
            el("tr", {}, el("th", {}, "Parent NS"), el("td", {}, [].concat(...Object.values(facts.parent_ns || {})).filter((v, i, a) => a.indexOf(v) === i).join(", "))),
            el("tr", {}, el("th", {}, "Open incident"), el("td", {}, d.round.incident || "none"))))),
        el("div", { class: "card", id: "findings" }, el("h3", {}, `Findings (${findings.length})`),
          ...(findings.length ? findings.map(findingCard) : [el("p", { class: "muted" }, "none")]))),
      el("div", {}, el("div", { class: "card" }, el("h3", {}, "Timeline"), timeline(h)),
        graphCard(r.domain, g))));
}

/* ---- incidents --------------------------------------------------------------------- */

async function renderIncidents() {
  const doc = await api("incidents");
  stamp(doc);
  setMain(el("h2", {}, "Incidents"),
    el("table", { id: "incidents" },
      el("thead", {}, el("tr", {}, ...["Domain", "Status", "Layer", "Opened", "Closed", "Summary"].map(h => el("th", {}, h)))),
      el("tbody", {}, ...doc.incidents.map(i => el("tr", { class: i.closed ? "closed" : "open", "data-domain": i.domain },
        el("td", {}, el("a", { href: "#/domain/" + encodeURIComponent(i.domain) }, i.domain)),
        el("td", {}, statusBadge(i.status)), el("td", {}, i.layer),
        el("td", {}, when(i.opened)), el("td", {}, i.closed ? when(i.closed) : "open"),
        el("td", { class: "summary" }, i.summary))))));
}

async function openCount() {
  const doc = await api("incidents");
  const n = doc.incidents.filter(i => !i.closed).length;
  const b = document.getElementById("open-count");
  b.textContent = String(n);
  b.className = n ? "badge hot" : "badge";
}

/* ---- routing and polling ------------------------------------------------------------- */

async function refresh() {
  const hash = location.hash || "#/";
  try {
    await openCount();
    if (hash.startsWith("#/domain/")) {
      state.view = "domain";
      await renderDomain(decodeURIComponent(hash.slice(9)));
    } else if (hash === "#/incidents") {
      state.view = "incidents";
      await renderIncidents();
    } else {
      state.view = "table";
      await loadDomains();
    }
    document.body.dataset.loaded = String(Date.now());
  } catch (e) {
    document.getElementById("updated").textContent = "cannot reach the service: " + clean(e.message);
  }
}

function poll() {
  clearTimeout(state.timer);
  refresh().finally(() => { state.timer = setTimeout(poll, POLL_MS); });
}

window.addEventListener("hashchange", poll);
poll();
