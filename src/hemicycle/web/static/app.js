// The workbench page: the editor, the votes, and the four panels (results, protocol, compare,
// verify). Every figure on the page comes from the server; strings from files are shown as text.

import { $, el } from "./dom.js";
import { Editor, Highlighter } from "./editor.js";
import { renderMarkdown } from "./markdown.js";
import { districtTable, lineLink as link, protocolList, seatsTable, verdictCard } from "./results.js";

const state = {
  catalogue: null,
  file: "rules.elect",
  votes: { kind: "bundled", name: "" },
  upload: null,          // {token, name}
  table: { rows: [], totals: {}, districts: [] },
  levels: [],            // the rules' districts (what a typed district must give), from the server
  districtTotals: ["blank", "invalid"],  // the totals per district the typed table shows
  lastTable: null,       // the votes of the last allocation, as a table
  systems: [],           // compare: [{file, text}] besides the editor
  job: null,
  verifiedText: null,
  pending: 0,
};

// --- talking to the server ----------------------------------------------------------------------------

async function api(path, body, { raw = false, signal } = {}) {
  const init = body === undefined ? { signal } : {
    method: "POST", signal,
    headers: { "Content-Type": raw ? "application/octet-stream" : "application/json" },
    body: raw ? body : JSON.stringify(body),
  };
  busy(+1);
  try {
    const response = await fetch(path, init);
    let data;
    try { data = await response.json(); } catch { data = { error: `the server answered ${response.status}` }; }
    if (!response.ok && !data.error) data.error = `the server answered ${response.status}`;
    return data;
  } catch (e) {
    if (e.name === "AbortError") return null;
    return { error: "the server cannot be reached (is `hemicycle serve` still running?)" };
  } finally {
    busy(-1);
  }
}

function busy(delta) {
  state.pending += delta;
  $("status").textContent = state.pending > 0 ? "computing…" : "";
  document.body.classList.toggle("busy", state.pending > 0);
}

// Run fn after `ms` of quiet; a newer call aborts the request of an older one.
function debounced(fn, ms) {
  let timer = null, controller = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (controller) controller.abort();
      controller = new AbortController();
      fn(controller.signal, ...args);
    }, ms);
  };
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function stem(file) { return file.replace(/\.elect$/, ""); }

function showError(box, message) {
  box.hidden = !message;
  box.replaceChildren(message ? el("pre", {}, message) : "");
}

function lineLink(line, citation) {
  return link(line, citation, (n) => editor.focusLine(n));
}

// --- the editor --------------------------------------------------------------------------------------

let editor;

const check = debounced(async (signal) => {
  const report = await api("/api/check", { text: editor.value, file: state.file }, { signal });
  if (!report) return;
  const box = $("diagnostics");
  if (report.error) { box.replaceChildren(el("div", { class: "error" }, report.error)); return; }
  editor.setMarks(report.diagnostics.map((d) => ({ line: d.line, col: d.col, endCol: d.end_line === d.line ? d.end_col : d.col + 1,
                                                   severity: d.severity, message: d.message })));
  const errors = report.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = report.diagnostics.length - errors;
  $("check-summary").textContent = errors ? `${errors} error(s)` : (warnings ? `ok, ${warnings} warning(s)` : "ok");
  $("check-summary").className = `check-summary ${errors ? "bad" : "good"}`;
  box.replaceChildren(
    ...report.diagnostics.map((d) => el("div", { class: `diagnostic ${d.severity}`, "data-line": d.line },
      el("button", { type: "button", class: "line-link", onclick: () => editor.focusLine(d.line) },
         `line ${d.line}, column ${d.col}`),
      el("pre", {}, d.text))),
    report.ok ? el("div", { class: "ok" }, `${report.file}: ok (${warnings} warning(s))`) : "",
  );
}, 250);

async function complete(text, line, character) {
  const data = await api("/api/complete", { text, line, character });
  return data && !data.error ? data.items : null;
}

async function hover(text, line, character) {
  const data = await api("/api/hover", { text, line, character });
  return data && !data.error ? data.markdown : null;
}

function edited() {
  check();
  allocate();
  if (!$("panel-compare").hidden) compare();
  markVerdictsStale();
}

async function loadBundledRules(name) {
  const data = await api(`/api/rules/${encodeURIComponent(name)}`);
  if (!data || data.error) { showError($("result-error"), data ? data.error : "no answer"); return; }
  state.file = data.file;
  $("file-name").textContent = data.file;
  editor.setValue(data.text);
  matchVotes(name);
}

// With bundled votes, switch to an election the chosen rules are for (its own, or its base's for
// a what-if such as kazakhstan-2021-dhondt), unless the current one already is.
function matchVotes(rules) {
  if (state.votes.kind !== "bundled") return;
  const pairs = state.catalogue.pairs;
  const fits = (e) => pairs[e] === rules || rules.startsWith(`${pairs[e]}-`);
  const candidates = Object.keys(pairs).filter(fits).sort();
  if (!candidates.length || fits(state.votes.name)) return;
  const exact = candidates.filter((e) => e === rules);
  selectVotes({ kind: "bundled", name: exact[0] || candidates[candidates.length - 1] });
}

// --- votes ---------------------------------------------------------------------------------------------

function votesRequest() {
  const v = state.votes;
  if (v.kind === "upload") return { kind: "upload", token: state.upload?.token, contest: $("contest").value };
  if (v.kind === "table") return { kind: "table", rows: state.table.rows, totals: state.table.totals,
                                    districts: state.table.districts };
  return { kind: "bundled", name: v.name };
}

function fillVotesSelect() {
  const select = $("votes-select");
  const bundled = el("optgroup", { label: "Bundled elections" },
    state.catalogue.elections.map((e) => el("option", { value: `bundled:${e}` }, e)));
  const own = el("optgroup", { label: "Your votes" },
    state.upload ? el("option", { value: "upload" }, `Uploaded: ${state.upload.name}`) : "",
    el("option", { value: "table" }, "Typed table"));
  select.replaceChildren(bundled, own);
  const v = state.votes;
  select.value = v.kind === "bundled" ? `bundled:${v.name}` : v.kind;
}

function selectVotes(votes) {
  state.votes = votes;
  fillVotesSelect();
  $("votes-table").hidden = votes.kind !== "table";
  $("contest-field").hidden = votes.kind !== "upload";
  if (votes.kind === "table") drawTable();
  allocate();
  if (!$("panel-compare").hidden) compare();
}

async function uploadVotes(file) {
  const data = await api(`/api/upload?name=${encodeURIComponent(file.name)}`, await file.arrayBuffer(), { raw: true });
  if (!data) return;
  if (data.error) { showError($("votes-error"), data.error); return; }
  state.upload = { token: data.token, name: data.name };
  selectVotes({ kind: "upload" });
}

function drawTable() {
  const body = $("votes-rows");
  const rows = state.table.rows;
  body.replaceChildren(...rows.map((row, i) => el("tr", { "data-row": i + 1 },
    el("td", { class: "n" }, String(i + 1)),
    ...[0, 1, 2, 3].map((c) => el("td", {}, el("input", {
      value: row[c] ?? "", "aria-label": `row ${i + 1} ${["abbr", "name", "votes", "tags"][c]}`,
      "data-field": ["abbr", "name", "votes", "tags"][c], class: c === 2 ? "num" : "",
      inputmode: c === 2 ? "numeric" : undefined,
      placeholder: c === 2 && state.table.districts.length ? "sum of the districts" : undefined,
      oninput: (e) => { row[c] = e.target.value; tableEdited(); },
    }))),
    el("td", {}, el("button", { type: "button", class: "link", title: "Remove this list",
                                onclick: () => { rows.splice(i, 1); drawTable(); tableEdited(); } }, "×")),
  )));
  $("totals").replaceChildren(...state.catalogue.totals.map((key) => el("label", { class: "field" }, key,
    el("input", { value: state.table.totals[key] ?? "", size: 9, class: "num", "data-total": key,
                  oninput: (e) => { state.table.totals[key] = e.target.value; tableEdited(); } }))));
  drawDistricts();
}

// The districts of a typed table, when the rules have districts (or the table has some): one row
// per district, its name, its seats where the rules take them from the votes, the figure the rules
// apportion by, each list's votes there (empty: the list did not stand there), totals.
function drawDistricts() {
  const t = state.table;
  const levels = state.levels;
  const shown = levels.length > 0 || t.districts.length > 0;
  $("district-votes").hidden = !shown;
  if (!shown) return;
  const abbrs = [...new Set(t.rows.map((r) => (r[0] || "").trim()).filter(Boolean))];
  const level = levels.length ? levels[0].name : "district";
  for (const d of t.districts) if (!d.level) d.level = level;
  const withLevel = levels.length > 1 || new Set(t.districts.map((d) => d.level)).size > 1;
  const withSeats = !levels.length || levels.some((l) => l.seats_from_votes) || t.districts.some((d) => d.seats);
  const figures = [...new Set([...levels.map((l) => l.figure).filter(Boolean),
                               ...t.districts.flatMap((d) => Object.keys(d.figures || {}))])];
  for (const d of t.districts) for (const k of Object.keys(d.totals || {})) if (!state.districtTotals.includes(k)) state.districtTotals.push(k);
  const totals = state.districtTotals;
  const hint = levels.map((l) => `${l.seats} seats in units of level '${l.name}'`
    + (l.seats_from_votes ? ", each district's seats as typed" : `, magnitudes by the rules${l.figure ? ` (by ${l.figure})` : ""}`)
    + (l.fixed.length ? `; fixed: ${l.fixed.join(", ")}` : "")).join("; ");
  $("district-hint").textContent = hint ? `(${hint}; an empty cell: the list did not stand there)` : "";
  const head = ["#", "district", ...(withLevel ? ["level"] : []), ...(withSeats ? ["seats"] : []), ...figures,
                ...abbrs, ...totals, ""];
  $("district-head").replaceChildren(el("tr", {}, head.map((h, i) => el("th", { class: i > 1 ? "list" : "" }, h))));
  const cell = (d, i, key, get, put, cls = "num") => el("td", {}, el("input", {
    value: get() ?? "", class: cls, "data-cell": key, "aria-label": `district ${i + 1} ${key}`,
    inputmode: cls === "num" ? "numeric" : undefined,
    oninput: (e) => { put(e.target.value); tableEdited(); } }));
  $("district-rows").replaceChildren(...t.districts.map((d, i) => {
    d.figures ||= {}; d.totals ||= {}; d.votes ||= {};
    return el("tr", { "data-district": i + 1 },
      el("td", { class: "n" }, String(i + 1)),
      cell(d, i, "name", () => d.name, (v) => { d.name = v; }, "name"),
      withLevel ? cell(d, i, "level", () => d.level, (v) => { d.level = v; }, "") : "",
      withSeats ? cell(d, i, "seats", () => d.seats, (v) => { d.seats = v; }) : "",
      figures.map((f) => cell(d, i, `figures.${f}`, () => d.figures[f], (v) => { d.figures[f] = v; })),
      abbrs.map((a) => cell(d, i, `votes.${a}`, () => d.votes[a], (v) => { d.votes[a] = v; })),
      totals.map((k) => cell(d, i, `totals.${k}`, () => d.totals[k], (v) => { d.totals[k] = v; })),
      el("td", {}, el("button", { type: "button", class: "link", title: "Remove this district",
                                  onclick: () => { t.districts.splice(i, 1); drawTable(); tableEdited(); } }, "×")));
  }));
  const missing = state.catalogue.totals.filter((k) => !totals.includes(k));
  $("district-total-add").replaceChildren(el("option", { value: "" }, "add…"), ...missing.map((k) => el("option", { value: k }, k)));
}

const tableEdited = (() => { let t; return () => { clearTimeout(t); t = setTimeout(() => { allocate(); if (!$("panel-compare").hidden) compare(); }, 300); }; })();

function markVotesError(error) {
  document.querySelectorAll(".votes-table .bad").forEach((n) => n.classList.remove("bad"));
  if (!error || !error.table) return;
  if (error.table.district) {
    const tr = document.querySelector(`#district-rows tr[data-district="${error.table.district}"]`);
    (tr?.querySelector(`input[data-cell="${CSS.escape(error.table.cell || "")}"]`) || tr)?.classList.add("bad");
    return;
  }
  if (error.table.row) {
    const tr = document.querySelector(`#votes-rows tr[data-row="${error.table.row}"]`);
    (tr?.querySelector(`input[data-field="${error.field}"]`) || tr)?.classList.add("bad");
  } else if (error.table.total) {
    document.querySelector(`#totals input[data-total="${error.table.total}"]`)?.classList.add("bad");
  }
}

// --- results -----------------------------------------------------------------------------------------

let lastResult = null;

const allocate = debounced(async (signal) => {
  const data = await api("/api/allocate", { rules: { text: editor.value, file: state.file }, votes: votesRequest() }, { signal });
  if (!data) return;
  if (data.error) { showError($("result-error"), data.error); stale(true); return; }
  showError($("votes-error"), data.votes_error ? data.votes_error.message : "");
  markVotesError(data.votes_error);
  if (data.votes_table) state.lastTable = data.votes_table;
  if (data.levels && JSON.stringify(data.levels) !== JSON.stringify(state.levels)) {
    state.levels = data.levels;
    if (state.votes.kind === "table") drawDistricts();
  }
  if (data.rules_error) {
    showError($("result-error"), "The rule file has errors (see the diagnostics under the editor); "
      + "the results below are from the last rules that worked.");
  } else if (data.allocation_error) {
    const box = $("result-error");
    showError(box, data.allocation_error.message);
    if (data.allocation_error.line) box.append(lineLink(data.allocation_error.line));
  } else if (data.votes_error) {
    showError($("result-error"), "The votes cannot be read (see above); the results below are from the last votes that worked.");
  } else {
    showError($("result-error"), "");
  }
  if (!data.result) { stale(lastResult !== null); return; }
  lastResult = data.result;
  stale(false);
  drawResult(data.result);
}, 250);

function stale(on) {
  $("result-body").classList.toggle("stale", on);
  $("protocol").classList.toggle("stale", on);
}

function drawResult(r) {
  $("result-title").textContent = r.chamber + (r.election ? `: ${r.election}` : "");
  $("seats").replaceChildren(...seatsTable(r));
  // the arch is SVG made by hemicycle.pictures, which escapes every label in it
  $("arch").innerHTML = r.arch;
  const ix = r.indices;
  $("indices").textContent = `Disproportionality: Gallagher ${ix.gallagher.toFixed(2)} · Loosemore-Hanby `
    + `${ix.loosemore_hanby.toFixed(2)} · Sainte-Laguë ${ix.sainte_lague.toFixed(2)} · effective number of parties `
    + `${ix.enp_votes.toFixed(2)} by votes, ${ix.enp_seats.toFixed(2)} by seats`;
  $("districts").replaceChildren(districtTable(r.district_table, showDistrictProtocol) || "");
  $("result-notes").replaceChildren(...r.ties.map((t) => el("li", {}, `Tie: ${t}`)),
                                    ...r.notes.map((n) => el("li", {}, `Note: ${n}`)));
  $("protocol").replaceChildren(...protocolList(r.protocol, (n) => editor.focusLine(n)));
  for (const id of ["dl-json", "dl-csv", "dl-svg", "dl-protocol"]) $(id).disabled = false;
}

// A district's steps in the protocol: open them and show them.
function showDistrictProtocol(name) {
  showTab("protocol");
  let first = null;
  for (const d of document.querySelectorAll("#protocol details.part")) {
    const mine = d.dataset.district === name;
    d.classList.toggle("focus", mine);
    if (mine) { d.open = true; first ||= d; }
  }
  first?.scrollIntoView({ block: "start" });
}

// --- compare ---------------------------------------------------------------------------------------------

function compareSystems() {
  const used = new Set([state.file]);
  const unique = (file) => {
    let name = file, k = 2;
    while (used.has(name)) name = `${stem(file)}-${k++}.elect`;
    used.add(name);
    return name;
  };
  return [{ text: editor.value, file: state.file }, ...state.systems.map((s) => ({ text: s.text, file: unique(s.file) }))];
}

let lastComparison = null;

const compare = debounced(async (signal) => {
  drawSystems();
  const curve = $("curve-list").value || null;
  const data = await api("/api/compare", { systems: compareSystems(), votes: votesRequest(), curve }, { signal });
  if (!data) return;
  showError($("compare-error"), data.error || "");
  $("compare-notes").replaceChildren(...(data.notes || []).map((n) => el("li", {}, `Note: ${n}`)));
  if (data.error) { $("compare-report").classList.add("stale"); return; }
  lastComparison = data;
  $("compare-report").classList.remove("stale");
  $("compare-report").srcdoc = data.html;
  const select = $("curve-list");
  const chosen = select.value;
  select.replaceChildren(el("option", { value: "" }, "(none)"), ...data.lists.map((a) => el("option", { value: a }, a)));
  select.value = data.lists.includes(chosen) ? chosen : "";
  $("dl-report").disabled = $("dl-compare-csv").disabled = false;
  $("dl-arches").replaceChildren(...data.arches.map((a) => el("button", { type: "button",
    title: a.label, onclick: () => download(`${a.file}-arch.svg`, a.svg, "image/svg+xml") }, `${a.file}.svg`)));
}, 500);

function drawSystems() {
  $("systems").replaceChildren(
    el("li", { class: "system editor-system" }, `${state.file} (the editor)`),
    ...state.systems.map((s, i) => el("li", { class: "system" }, s.file,
      el("button", { type: "button", class: "link", title: "Remove", "aria-label": `Remove ${s.file}`,
                     onclick: () => { state.systems.splice(i, 1); compare(); } }, "×"))));
}

async function addBundledSystem(name) {
  const data = await api(`/api/rules/${encodeURIComponent(name)}`);
  if (!data || data.error) { showError($("compare-error"), data ? data.error : "no answer"); return; }
  state.systems.push({ file: data.file, text: data.text });
  compare();
}

// --- verify ----------------------------------------------------------------------------------------------

function drawProperties() {
  const box = $("properties");
  for (const p of state.catalogue.properties) {
    box.append(el("label", { class: "property", title: p.definition },
      el("input", { type: "checkbox", value: p.name, checked: p.name === "runner-up-guarantee" }), p.name));
  }
}

function chosenProperties() {
  return [...document.querySelectorAll("#properties input:checked")].map((i) => i.value);
}

async function startVerify() {
  const properties = chosenProperties();
  if (!properties.length) { showError($("verify-error"), "Choose at least one property."); return; }
  const maxVotes = $("max-votes").value.trim();
  const body = { rules: { text: editor.value, file: state.file }, properties,
                 parties: Number($("parties").value), timeout: Number($("verify-timeout").value),
                 max_votes: maxVotes ? Number(maxVotes) : null };
  const job = await api("/api/verify", body);
  if (!job) return;
  showError($("verify-error"), job.error || "");
  if (job.error) return;
  state.job = job.id;
  state.verifiedText = editor.value;
  state.verifiedFile = state.file;
  $("verdicts").replaceChildren();
  $("verify-run").disabled = true;
  $("verify-cancel").disabled = false;
  $("verify-progress-row").hidden = false;
  pollVerify(job.id);
}

async function pollVerify(id) {
  const job = await api(`/api/verify/${encodeURIComponent(id)}`);
  if (state.job !== id || !job) return;
  if (job.error && !job.state) { showError($("verify-error"), job.error); finishVerify(); return; }
  drawJob(job);
  if (job.state === "starting" || job.state === "running") setTimeout(() => pollVerify(id), 400);
  else finishVerify();
}

function finishVerify() {
  $("verify-run").disabled = false;
  $("verify-cancel").disabled = true;
}

async function cancelVerify() {
  if (!state.job) return;
  const job = await api(`/api/verify/${encodeURIComponent(state.job)}/cancel`, {});
  if (job && !job.error) drawJob(job);
  finishVerify();
}

function drawJob(job) {
  const progress = $("verify-progress");
  progress.max = job.total;
  progress.value = job.done;
  const words = { starting: "starting the verifier…", running: `checking ${job.current} (${job.done + 1} of ${job.total})`,
                  done: `done: ${job.total} propert${job.total === 1 ? "y" : "ies"}`, cancelled: "cancelled",
                  failed: "stopped" };
  $("verify-state").textContent = `${words[job.state] || job.state} · ${job.seconds} s`;
  showError($("verify-error"), job.error || "");
  const shown = $("verdicts").children.length;
  for (const r of job.results.slice(shown)) $("verdicts").append(verdictCard(r, (n) => editor.focusLine(n)));
  const flags = job.results.filter((r) => r.line).map((r) => [r.line, `flag-${r.status}`]);
  if (editor.value === state.verifiedText) editor.setFlags(flags);
}

function markVerdictsStale() {
  const stale = state.verifiedText !== null && editor.value !== state.verifiedText;
  $("verdicts").classList.toggle("stale", stale);
  if (stale) editor.flags.clear();
}

// --- tabs, buttons, start ---------------------------------------------------------------------------------

function showTab(name) {
  for (const t of ["results", "protocol", "compare", "verify"]) {
    $(`tab-${t}`).setAttribute("aria-selected", String(t === name));
    $(`panel-${t}`).hidden = t !== name;
  }
  if (name === "compare") compare();
}

function wire() {
  for (const t of ["results", "protocol", "compare", "verify"]) $(`tab-${t}`).addEventListener("click", () => showTab(t));
  $("rules-select").addEventListener("change", (e) => loadBundledRules(e.target.value));
  $("open-rules").addEventListener("click", () => $("open-rules-file").click());
  $("open-rules-file").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    if (file.size > state.catalogue.limits.rules_bytes) {
      showError($("result-error"), `${file.name} is larger than ${state.catalogue.limits.rules_bytes / 1024} KB`);
      return;
    }
    state.file = file.name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "") || "rules.elect";
    $("file-name").textContent = state.file;
    $("rules-select").value = "";
    editor.setValue(await file.text());
    e.target.value = "";
  });
  $("download-rules").addEventListener("click", () => download(state.file, editor.value, "text/plain"));
  $("votes-select").addEventListener("change", (e) => {
    const v = e.target.value;
    if (v.startsWith("bundled:")) selectVotes({ kind: "bundled", name: v.slice(8) });
    else if (v === "table") { if (!state.table.rows.length) state.table = copyTable(); selectVotes({ kind: "table" }); }
    else selectVotes({ kind: v });
  });
  $("upload-votes").addEventListener("click", () => $("upload-file").click());
  $("upload-file").addEventListener("change", (e) => { if (e.target.files[0]) uploadVotes(e.target.files[0]); e.target.value = ""; });
  $("contest").addEventListener("input", () => allocate());
  $("edit-table").addEventListener("click", () => { state.table = copyTable(); selectVotes({ kind: "table" }); });
  $("add-row").addEventListener("click", () => { state.table.rows.push(["", "", "", ""]); drawTable(); });
  $("add-district").addEventListener("click", () => {
    state.table.districts.push({ name: "", seats: "", figures: {}, totals: {}, votes: {} });
    drawTable();
  });
  $("district-total-add").addEventListener("change", (e) => {
    if (e.target.value) state.districtTotals.push(e.target.value);
    drawTable();
  });
  $("dl-json").addEventListener("click", () => download(`${stem(state.file)}-result.json`, lastResult.downloads.json, "application/json"));
  $("dl-csv").addEventListener("click", () => download(`${stem(state.file)}-result.csv`, lastResult.downloads.csv, "text/csv"));
  $("dl-svg").addEventListener("click", () => download(`${stem(state.file)}-arch.svg`, lastResult.arch, "image/svg+xml"));
  $("dl-protocol").addEventListener("click", () => download(`${stem(state.file)}-protocol.txt`, lastResult.downloads.protocol, "text/plain"));
  $("dl-report").addEventListener("click", () => download("comparison.html", lastComparison.html, "text/html"));
  $("dl-compare-csv").addEventListener("click", () => download("comparison.csv", lastComparison.csv, "text/csv"));
  $("add-system").addEventListener("change", (e) => { if (e.target.value) addBundledSystem(e.target.value); e.target.value = ""; });
  $("add-copy").addEventListener("click", () => {
    state.systems.push({ file: `${stem(state.file)}-copy.elect`, text: editor.value });
    compare();
  });
  $("curve-list").addEventListener("change", () => compare());
  $("verify-run").addEventListener("click", startVerify);
  $("verify-cancel").addEventListener("click", cancelVerify);
  $("props-all").addEventListener("click", () => document.querySelectorAll("#properties input").forEach((i) => { i.checked = true; }));
  $("props-none").addEventListener("click", () => document.querySelectorAll("#properties input").forEach((i) => { i.checked = false; }));
}

function copyTable() {
  const t = state.lastTable || { rows: [["", "", "", ""]], totals: {}, districts: [] };
  return { rows: t.rows.map((r) => [...r]), totals: { ...t.totals }, districts: structuredClone(t.districts || []) };
}

async function start() {
  const catalogue = await api("/api/catalogue");
  if (!catalogue || catalogue.error) { $("status").textContent = catalogue ? catalogue.error : "no answer"; return; }
  state.catalogue = catalogue;
  editor = new Editor($("editor"), { highlighter: new Highlighter(catalogue.grammar), onChange: edited,
                                     complete, hover, renderMarkdown });
  $("rules-select").replaceChildren(el("option", { value: "" }, "(your file)"),
    ...catalogue.rules.map((r) => el("option", { value: r }, r)));
  $("add-system").replaceChildren(el("option", { value: "" }, "Add a bundled system…"),
    ...catalogue.rules.map((r) => el("option", { value: r }, r)));
  $("parties").max = catalogue.max_parties;
  $("verify-timeout").max = catalogue.max_timeout;
  drawProperties();
  wire();
  const first = catalogue.rules.includes("kazakhstan-2021") ? "kazakhstan-2021" : catalogue.rules[0];
  state.votes = { kind: "bundled", name: catalogue.elections.includes(first) ? first : catalogue.elections[0] };
  fillVotesSelect();
  $("rules-select").value = first;
  await loadBundledRules(first);
  document.body.dataset.ready = "true";
}

start();
