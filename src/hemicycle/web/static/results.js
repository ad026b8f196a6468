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

// Districts, when the result has them: `hemicycle allocate --districts`'s table as the server
// made it ({columns: [{header, align}], rows, totals}); a click on a district's row calls
// onDistrict(name) (to show its protocol). null when there are none.
export function districtTable(table, onDistrict = () => {}) {
  if (!table || !table.rows.length) return null;
  const cls = (i) => (table.columns[i].align === "right" ? "num" : "");
  return el("section", { class: "districts" },
    el("h3", {}, `Seats by district (${table.rows.length})`),
    el("div", { class: "scroll" }, el("table", { class: "seats", id: "districts-table" },
      el("thead", {}, el("tr", {}, table.columns.map((c, i) => el("th", { class: cls(i), scope: "col" }, c.header)))),
      el("tbody", {}, table.rows.map((row) => el("tr", { "data-district": row[0], title: "Show its protocol",
                                                         onclick: () => onDistrict(row[0]) },
        row.map((cell, i) => el("td", { class: cls(i) }, cell))))),
      el("tfoot", {}, table.totals.map((row) => el("tr", {},
        row.map((cell, i) => (i ? el("td", { class: `${cls(i)} seats-cell` }, cell) : el("th", { scope: "row" }, cell)))))))));
}

// The tiers' steps, numbered as `--explain` numbers them, each linked to its clause.
// The levels' magnitudes come first; a tier in districts has its steps in each district (as
// `--explain` prints them), each a <details> (opened by a click on the district's row).
export function protocolList(tiers, onLine) {
  const steps = (list) => el("ol", {}, list.map((s) => el("li", {}, el("span", {}, s.text), " ",
                                                       s.line ? lineLink(s.line, s.citation, onLine) : "")));
  const title = (t) => (t.kind === "level" ? `${t.name}: ${t.size} seats in ${t.units} units`
    : `Tier '${t.name}': ${t.size} seats` + (t.level ? ` in ${t.parts.length} units of level '${t.level}'` : ""));
  return tiers.map((t) => el("section", { class: "tier" },
    el("h3", {}, title(t)), t.steps.length ? steps(t.steps) : "",
    (t.parts || []).map((p) => el("details", { class: "part", "data-district": p.district },
      el("summary", {}, `${p.district} (${p.size} seats)`), steps(p.steps)))));
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
