// The hovers' Markdown (sections of docs/language.md) as DOM nodes. Only text nodes are made
// from the input, never HTML: code spans, bold, links (as their text), paragraphs, lists, tables,
// fenced code and rules.

function inline(parent, text) {
  const re = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\([^)]*\)/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) parent.append(document.createTextNode(text.slice(last, m.index)));
    if (m[1] !== undefined) {
      const code = document.createElement("code");
      code.textContent = m[1];
      parent.append(code);
    } else if (m[2] !== undefined) {
      const b = document.createElement("strong");
      inline(b, m[2]);
      parent.append(b);
    } else {
      parent.append(document.createTextNode(m[3]));
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
  return parent;
}

function cells(line) {
  return line.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
}

function table(lines) {
  const t = document.createElement("table");
  for (const line of lines) {
    if (/^\|?\s*:?-{2,}/.test(line.trim())) continue;
    const tr = document.createElement("tr");
    for (const c of cells(line)) tr.append(inline(document.createElement("td"), c));
    t.append(tr);
  }
  return t;
}

export function renderMarkdown(text) {
  const root = document.createDocumentFragment();
  const lines = text.split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) { i++; continue; }
    if (line.startsWith("```")) {
      const code = [];
      i++;
      while (i < lines.length && !lines[i].startsWith("```")) code.push(lines[i++]);
      i++;
      const pre = document.createElement("pre");
      pre.textContent = code.join("\n");
      root.append(pre);
      continue;
    }
    if (/^-{3,}\s*$/.test(line)) { root.append(document.createElement("hr")); i++; continue; }
    if (line.trim().startsWith("|")) {
      const rows = [];
      while (i < lines.length && lines[i].trim().startsWith("|")) rows.push(lines[i++]);
      root.append(table(rows));
      continue;
    }
    if (/^\s*([-*]|\d+\.)\s/.test(line)) {
      const list = document.createElement(/^\s*\d+\./.test(line) ? "ol" : "ul");
      while (i < lines.length && lines[i].trim()) {
        if (/^\s*([-*]|\d+\.)\s/.test(lines[i])) {
          list.append(inline(document.createElement("li"), lines[i].replace(/^\s*([-*]|\d+\.)\s/, "")));
        } else if (list.lastChild) {
          inline(list.lastChild, ` ${lines[i].trim()}`);
        }
        i++;
      }
      root.append(list);
      continue;
    }
    const para = [];
    while (i < lines.length && lines[i].trim() && !lines[i].startsWith("```") && !lines[i].trim().startsWith("|")
           && !/^-{3,}\s*$/.test(lines[i])) para.push(lines[i++].trim());
    root.append(inline(document.createElement("p"), para.join(" ")));
  }
  return root;
}
