// A small code editor for rule files: a textarea over a highlighted copy of its text.
//
// Highlighting uses the TextMate grammar that hemicycle generates from its Lark grammar
// (hemicycle.editor.textmate, sent by /api/catalogue): at each position the first pattern that
// matches wins, as in a TextMate editor. Diagnostics, completions and hovers come from the
// server (the language server's functions); this file only shows them.

const SCOPE_CLASSES = [
  ["comment", "tok-comment"], ["string", "tok-string"], ["markup.underline.link.citation", "tok-citation"],
  ["constant.numeric", "tok-number"], ["keyword.operator", "tok-operator"], ["punctuation", "tok-punct"],
  ["keyword.control.clause", "tok-clause"], ["support.constant", "tok-value"], ["keyword.other", "tok-keyword"],
  ["variable.other.name", "tok-name"],
];

function scopeClass(scope) {
  for (const [prefix, cls] of SCOPE_CLASSES) if (scope.startsWith(prefix)) return cls;
  return "";
}

export class Highlighter {
  constructor(patterns) {
    this.rules = patterns.map((p) => ({ re: new RegExp(p.match, "y"), cls: scopeClass(p.scope) }));
  }

  // [start, end, class] for one line of text
  tokens(line) {
    const out = [];
    let i = 0;
    while (i < line.length) {
      let matched = false;
      for (const { re, cls } of this.rules) {
        re.lastIndex = i;
        const m = re.exec(line);
        if (m && m[0].length > 0) {
          out.push([i, i + m[0].length, cls]);
          i += m[0].length;
          matched = true;
          break;
        }
      }
      if (!matched) i += 1;
    }
    return out;
  }
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class Editor {
  constructor(root, { highlighter, onChange, complete, hover, renderMarkdown }) {
    this.highlighter = highlighter;
    this.onChange = onChange;
    this.complete = complete;
    this.hover = hover;
    this.renderMarkdown = renderMarkdown;
    this.marks = [];       // {line, col, endCol, severity, message}
    this.flags = new Map(); // line -> class (lines a verdict or the protocol points at)
    this.focused = 0;
    this.escaped = false;

    root.classList.add("editor");
    this.gutter = el("div", "gutter");
    this.gutter.setAttribute("aria-hidden", "true");
    this.code = el("div", "code");
    this.view = el("pre", "highlight");
    this.view.setAttribute("aria-hidden", "true");
    this.input = el("textarea", "input");
    Object.assign(this.input, { spellcheck: false, wrap: "off" });
    this.input.setAttribute("autocapitalize", "off");
    this.input.setAttribute("autocomplete", "off");
    this.input.setAttribute("aria-label", "Rule file");
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.id = "rules-text";
    this.popup = el("ul", "completions");
    this.popup.setAttribute("role", "listbox");
    this.popup.id = "completions";
    this.popup.hidden = true;
    this.tip = el("div", "hover-tip");
    this.tip.setAttribute("role", "tooltip");
    this.tip.hidden = true;
    this.code.append(this.view, this.input);
    root.append(this.gutter, this.code, this.popup, this.tip);

    this.input.addEventListener("input", (e) => this.changed(e));
    this.input.addEventListener("scroll", () => { this.syncScroll(); this.closePopup(); this.hideTip(); });
    this.input.addEventListener("keydown", (e) => this.key(e));
    this.input.addEventListener("blur", () => setTimeout(() => this.closePopup(), 150));
    this.input.addEventListener("mousemove", (e) => this.mouse(e));
    this.input.addEventListener("mouseleave", () => this.hideTip());
    this.input.addEventListener("click", () => this.hideTip());
    this.render();
  }

  get value() { return this.input.value; }

  setValue(text) {
    this.input.value = text;
    this.input.setSelectionRange(0, 0);
    this.input.scrollTop = 0;
    this.marks = [];
    this.flags.clear();
    this.focused = 0;
    this.render();
    this.onChange(text);
  }

  changed(e) {
    this.focused = 0;
    this.render();
    this.onChange(this.value);
    if (e && e.inputType === "insertText" && /[A-Za-z_]/.test(e.data || "")) this.suggestSoon(false);
    else if (!this.popup.hidden && e && e.inputType && e.inputType.startsWith("delete")) this.suggestSoon(false);
    else this.closePopup();
  }

  setMarks(marks) { this.marks = marks; this.render(); }

  setFlags(flags) { this.flags = new Map(flags); this.render(); }

  // --- drawing ------------------------------------------------------------------------------------

  render() {
    const lines = this.value.split("\n");
    const byLine = new Map();
    for (const m of this.marks) {
      if (!byLine.has(m.line)) byLine.set(m.line, []);
      byLine.get(m.line).push(m);
    }
    const view = document.createDocumentFragment();
    const gutter = document.createDocumentFragment();
    lines.forEach((text, i) => {
      const n = i + 1;
      const marks = byLine.get(n) || [];
      const row = el("div", "ln");
      const num = el("div", "num", String(n));
      if (marks.length) {
        const worst = marks.some((m) => m.severity === "error") ? "error" : "warning";
        row.classList.add(`has-${worst}`);
        num.classList.add(`has-${worst}`);
        num.title = marks.map((m) => m.message).join("\n");
      }
      if (this.flags.has(n)) { row.classList.add(this.flags.get(n)); num.classList.add(this.flags.get(n)); }
      if (n === this.focused) row.classList.add("focus");
      this.fillLine(row, text, marks);
      view.append(row);
      gutter.append(num);
    });
    this.view.replaceChildren(view);
    this.gutter.replaceChildren(gutter);
    this.syncScroll();
  }

  fillLine(row, text, marks) {
    const tok = new Array(text.length).fill("");
    for (const [s, e, cls] of this.highlighter.tokens(text)) for (let k = s; k < e; k++) tok[k] = cls;
    const mark = new Array(text.length).fill("");
    let pastEnd = "";
    for (const m of marks) {
      const start = Math.max(0, m.col - 1);
      const end = Math.max(start + 1, m.endCol - 1);
      if (start >= text.length) pastEnd = `mark-${m.severity}`;
      for (let k = start; k < Math.min(end, text.length); k++) mark[k] = `mark-${m.severity}`;
    }
    let k = 0;
    while (k < text.length) {
      let j = k + 1;
      while (j < text.length && tok[j] === tok[k] && mark[j] === mark[k]) j++;
      const cls = [tok[k], mark[k]].filter(Boolean).join(" ");
      row.append(cls ? el("span", cls, text.slice(k, j)) : document.createTextNode(text.slice(k, j)));
      k = j;
    }
    if (pastEnd) row.append(el("span", `${pastEnd} eol`, " "));
    if (!text.length && !pastEnd) row.append(document.createTextNode("\u200b"));
  }

  syncScroll() {
    this.view.scrollTop = this.input.scrollTop;
    this.view.scrollLeft = this.input.scrollLeft;
    this.gutter.scrollTop = this.input.scrollTop;
  }

  metrics() {
    const style = getComputedStyle(this.input);
    const probe = el("span", "", "0".repeat(40));
    probe.style.font = style.font;
    probe.style.position = "absolute";
    probe.style.visibility = "hidden";
    document.body.append(probe);
    const cw = probe.getBoundingClientRect().width / 40;
    probe.remove();
    return { cw, lh: parseFloat(style.lineHeight), padLeft: parseFloat(style.paddingLeft),
             padTop: parseFloat(style.paddingTop) };
  }

  // 0-based line and character of an offset in the text
  position(offset) {
    const before = this.value.slice(0, offset);
    const line = before.split("\n").length - 1;
    return { line, character: offset - (before.lastIndexOf("\n") + 1) };
  }

  // Select line n (1-based), scroll it into view and mark it.
  focusLine(n, cls = "focus") {
    const lines = this.value.split("\n");
    if (n < 1 || n > lines.length) return;
    let start = 0;
    for (let i = 0; i < n - 1; i++) start += lines[i].length + 1;
    this.focused = n;
    this.render();
    this.input.focus({ preventScroll: true });
    this.input.setSelectionRange(start, start + lines[n - 1].length);
    const { lh } = this.metrics();
    this.input.scrollTop = Math.max(0, (n - 1) * lh - this.input.clientHeight / 3);
    this.syncScroll();
    this.view.querySelectorAll(".ln")[n - 1]?.classList.add(cls);
  }

  // --- completion -------------------------------------------------------------------------------

  suggestSoon(explicit) {
    clearTimeout(this.suggestTimer);
    this.suggestTimer = setTimeout(() => this.suggest(explicit), explicit ? 0 : 120);
  }

  async suggest(explicit) {
    const offset = this.input.selectionStart;
    const { line, character } = this.position(offset);
    const typed = (this.value.slice(0, offset).match(/[A-Za-z_][A-Za-z0-9_-]*$/) || [""])[0];
    const items = await this.complete(this.value, line, character);
    if (items === null || this.input.selectionStart !== offset) return;
    const fitting = items.filter((it) => it.label.startsWith(typed));
    const shown = fitting.length ? fitting : (explicit ? items : []);
    if (!shown.length || (!explicit && shown.length === 1 && shown[0].label === typed)) {
      this.closePopup();
      return;
    }
    this.typed = typed;
    this.items = shown.slice(0, 50);
    this.active = 0;
    this.popup.replaceChildren(...this.items.map((it, i) => {
      const li = el("li", "", "");
      li.setAttribute("role", "option");
      li.id = `completion-${i}`;
      li.append(el("span", "label", it.label), el("span", `kind kind-${it.kind}`, it.kind));
      li.addEventListener("mousedown", (e) => { e.preventDefault(); this.accept(i); });
      return li;
    }));
    this.highlightItem();
    const { cw, lh, padLeft, padTop } = this.metrics();
    const left = this.gutter.offsetWidth + padLeft + (character - typed.length) * cw - this.input.scrollLeft;
    const top = padTop + (line + 1) * lh - this.input.scrollTop;
    this.popup.style.left = `${Math.max(0, Math.min(left, this.code.offsetWidth - 120))}px`;
    this.popup.style.top = `${top + 2}px`;
    this.popup.hidden = false;
    this.input.setAttribute("aria-controls", "completions");
  }

  highlightItem() {
    [...this.popup.children].forEach((li, i) => li.classList.toggle("active", i === this.active));
    this.popup.children[this.active]?.scrollIntoView({ block: "nearest" });
    this.input.setAttribute("aria-activedescendant", `completion-${this.active}`);
  }

  accept(i) {
    const item = this.items[i];
    const end = this.input.selectionStart;
    this.input.setRangeText(item.label, end - this.typed.length, end, "end");
    this.closePopup();
    this.changed(null);
  }

  closePopup() {
    if (this.popup.hidden) return;
    this.popup.hidden = true;
    this.input.removeAttribute("aria-activedescendant");
  }

  key(e) {
    if (!this.popup.hidden) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const n = this.items.length;
        this.active = (this.active + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
        this.highlightItem();
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") { e.preventDefault(); this.accept(this.active); return; }
      if (e.key === "Escape") { e.preventDefault(); this.closePopup(); return; }
    }
    if (e.key === " " && e.ctrlKey) { e.preventDefault(); this.suggestSoon(true); return; }
    if (e.key === "Escape") { this.escaped = true; return; }
    if (e.key === "Tab" && !e.shiftKey && !this.escaped) {  // Escape, then Tab: leave the editor
      e.preventDefault();
      this.input.setRangeText("  ", this.input.selectionStart, this.input.selectionEnd, "end");
      this.changed(null);
      return;
    }
    this.escaped = false;
    this.hideTip();
  }

  // --- hover ------------------------------------------------------------------------------------

  mouse(e) {
    clearTimeout(this.hoverTimer);
    const rect = this.input.getBoundingClientRect();
    const x = e.clientX - rect.left, y = e.clientY - rect.top;
    this.hoverTimer = setTimeout(() => this.showTip(x, y), 450);
  }

  async showTip(x, y) {
    const { cw, lh, padLeft, padTop } = this.metrics();
    const line = Math.floor((y + this.input.scrollTop - padTop) / lh);
    const character = Math.floor((x + this.input.scrollLeft - padLeft) / cw);
    const text = this.value.split("\n")[line];
    if (text === undefined || !/[A-Za-z_]/.test(text[character] || "")) { this.hideTip(); return; }
    const markdown = await this.hover(this.value, line, character);
    if (!markdown) { this.hideTip(); return; }
    this.tip.replaceChildren(this.renderMarkdown(markdown));
    this.tip.style.left = `${Math.min(this.gutter.offsetWidth + x + 8, Math.max(0, this.code.offsetWidth - 360))}px`;
    this.tip.style.top = "0px";
    this.tip.hidden = false;
    const below = y + lh;
    const fits = below + this.tip.offsetHeight <= this.code.offsetHeight;
    this.tip.style.top = `${fits ? below : Math.max(0, y - this.tip.offsetHeight - 4)}px`;
  }

  hideTip() {
    clearTimeout(this.hoverTimer);
    this.tip.hidden = true;
  }
}
