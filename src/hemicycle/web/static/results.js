// What the server computed, as DOM: the seats table, the districts table, the protocol, the
// verifier's verdicts. Pure builders (data in, nodes out); `onLine(n)` shows line n of the rules.

import { el } from "./dom.js";

export function lineLink(line, citation, onLine) {
  return el("button", { type: "button", class: "line-link", "data-line": line, onclick: () => onLine(line) },
            `line ${line}` + (citation ? ` [${citation}]` : ""));
}

// The rows of `hemicycle allocate`'s table, in its order.
export function seatsTable(r) {
  const passed = (row) => (row.passed === null ? "" : row.passed ? "yes" : row.admitted ? "admitted" : "no");
  const head = el("tr", {}, ["List", "Votes", "Share", "Passed", "Seats"].map((h) => el("th", { scope: "col" }, h)));
  const rows = r.rows.map((row) => el("tr", { "data-abbr": row.abbr },
    el("td", {}, el("span", { class: "list-name" }, row.name),
       row.name !== row.abbr ? el("span", { class: "abbr" }, row.abbr) : ""),
    el("td", { class: "num" }, row.votes ?? ""),
    el("td", { class: "num" }, row.share),
    el("td", { class: "center" }, passed(row)),
    el("td", { class: "num seats-cell" }, String(row.seats))));
  const total = el("tr", {}, el("th", { scope: "row" }, "Total"), el("td", { class: "num" }, r.votes_total),
                   el("td"), el("td"), el("td", { class: "num seats-cell" }, String(r.total)));
  return [el("thead", {}, head), el("tbody", {}, rows), el("tfoot", {}, total)];
}

// Districts, when the result has them: one row per district, one column per list, each cell the
// list's seats there. Written against the result's JSON: "districts": [{name, seats: {abbr: n}}]
// (or a district's "lists": [{abbr, seats}]); null when there are none.
export function districtTable(districts) {
  if (!Array.isArray(districts) || !districts.length) return null;
  const label = (d, i) => d.name ?? d.district ?? d.id ?? `district ${i + 1}`;
  const seatsOf = (d) => (d.seats && typeof d.seats === "object" ? d.seats
    : Object.fromEntries((d.lists || []).map((l) => [l.abbr, l.seats])));
  const abbrs = [...new Set(districts.flatMap((d) => Object.keys(seatsOf(d))))];
  const size = (d) => d.size ?? d.magnitude ?? Object.values(seatsOf(d)).reduce((a, b) => a + b, 0);
  const totals = abbrs.map((a) => districts.reduce((sum, d) => sum + (seatsOf(d)[a] ?? 0), 0));
  return el("section", { class: "districts" },
    el("h3", {}, `Seats by district (${districts.length})`),
    el("div", { class: "scroll" }, el("table", { class: "seats", id: "districts-table" },
      el("thead", {}, el("tr", {}, el("th", {}, "District"), el("th", { class: "num" }, "Seats"),
                                    abbrs.map((a) => el("th", { class: "num" }, a)))),
      el("tbody", {}, districts.map((d, i) => el("tr", { "data-district": String(label(d, i)) },
        el("td", {}, String(label(d, i))), el("td", { class: "num" }, String(size(d))),
        abbrs.map((a) => el("td", { class: "num" }, String(seatsOf(d)[a] ?? 0)))))),
      el("tfoot", {}, el("tr", {}, el("th", {}, "Total"),
        el("td", { class: "num" }, String(districts.reduce((s, d) => s + size(d), 0))),
        totals.map((t) => el("td", { class: "num seats-cell" }, String(t))))))));
}

// The tiers' steps, numbered as `--explain` numbers them, each linked to its clause.
export function protocolList(tiers, onLine) {
  return tiers.map((t) => el("section", { class: "tier" },
    el("h3", {}, `Tier '${t.name}': ${t.size} seats`),
    el("ol", {}, t.steps.map((s) => el("li", {}, el("span", {}, s.text), " ",
                                       s.line ? lineLink(s.line, s.citation, onLine) : "")))));
}

function counterexampleTable(elections) {
  const lists = Object.keys(elections[0].votes);
  const totals = Object.keys(elections[0].totals).filter((k) => elections.some((e) => e.totals[k]));
  const letter = (i) => String.fromCharCode(65 + i);
  const num = (v, rows) => el("td", { class: "num", rowspan: rows }, String(v));
  return el("div", { class: "scroll" }, el("table", { class: "counterexample" },
    el("thead", {}, el("tr", {}, el("th", {}, "Election"), el("th", {}, ""),
                                  lists.map((l) => el("th", { class: "num" }, l)),
                                  totals.map((t) => el("th", { class: "num" }, t)), el("th", { class: "num" }, "house"))),
    el("tbody", {}, elections.flatMap((e, i) => [
      el("tr", {}, el("th", { rowspan: 2 }, letter(i)), el("td", {}, "votes"), lists.map((l) => num(e.votes[l])),
         totals.map((t) => num(e.totals[t], 2)), num(e.house, 2)),
      el("tr", {}, el("td", {}, "seats"), lists.map((l) => el("td", { class: "num seats-cell" }, String(e.seats[l])))),
    ]))));
}

// One verdict of the verifier, as `hemicycle verify --format json` gives it.
export function verdictCard(r, onLine) {
  const meta = [r.tier && `tier '${r.tier}'`, `${r.parties} lists`, `${r.seconds} s`].filter(Boolean).join(" · ");
  const card = el("article", { class: `verdict ${r.status}`, "data-property": r.property },
    el("header", {}, el("strong", {}, r.property), " ", el("span", { class: `badge ${r.status}` }, r.status),
       el("span", { class: "meta" }, meta)),
    el("p", { class: "definition" }, r.definition),
    r.bounds ? el("p", { class: "bounds" }, `Bounds: ${r.bounds}`) : "",
    r.reason ? el("p", { class: "reason" }, `Reason: ${r.reason}`) : "");
  if (r.counterexample) card.append(counterexampleTable(r.counterexample.elections));
  if (r.clause) {
    card.append(el("p", { class: "clause" }, "Clause responsible: ", r.clause.replace(/\s*\([^()]*\)$/, ""), " ",
                   r.line ? lineLink(r.line, r.clause_citation, onLine) : ""));
  }
  if (r.trace) card.append(el("details", {}, el("summary", {}, "Protocol of the counterexample"), el("pre", {}, r.trace)));
  for (const n of r.notes || []) card.append(el("p", { class: "note" }, `Note: ${n}`));
  return card;
}
