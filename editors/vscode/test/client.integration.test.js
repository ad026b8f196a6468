// The real language client (vscode-languageclient, from node_modules) starting the real
// hemicycle-lsp over stdio, inside a stand-in of the vscode module that answers any API the
// client touches: the handshake, the server's capabilities as the client registers them, and
// requests through the client's connection. Skipped without `npm install` (node_modules).
// HEMICYCLE_LSP: the server command, as JSON (default ["hemicycle-lsp"]).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { loadWith } = require("./mocks");

const ROOT = path.join(__dirname, "..");
const installed = fs.existsSync(path.join(ROOT, "node_modules", "vscode-languageclient"));
const RULES = path.join(ROOT, "..", "..", "src", "hemicycle", "rules", "kazakhstan-2021.elect");

// Any property, call or construction gives another stand-in; a few real pieces where the client
// relies on their behaviour (events, disposables, URIs, the registered providers).
function anything(name) {
  const fn = function () {};
  return new Proxy(fn, {
    get(_, key) {
      if (key === "then") return undefined; // not a promise
      if (key === Symbol.iterator) return function* () {};
      if (key === Symbol.toPrimitive || key === "toString") return () => `<${name}>`;
      if (key === "dispose") return () => {};
      return anything(`${name}.${String(key)}`);
    },
    apply() { return anything(`${name}()`); },
    construct() { return anything(`new ${name}`); },
  });
}

function standInVscode(registered) {
  class EventEmitter {
    constructor() { this.listeners = []; this.event = (l) => { this.listeners.push(l); return { dispose() {} }; }; }
    fire(e) { for (const l of this.listeners) l(e); }
    dispose() {}
  }
  class Disposable {
    constructor(f) { this.f = f; }
    static from(...ds) { return new Disposable(() => ds.forEach((d) => d && d.dispose && d.dispose())); }
    dispose() { if (this.f) this.f(); }
  }
  const Uri = {
    parse: (s) => ({ toString: () => s, fsPath: s.replace("file://", ""), scheme: s.split(":")[0] }),
    file: (p) => ({ toString: () => `file://${p}`, fsPath: p, scheme: "file" }),
  };
  const record = (kind) => (selector, provider) => {
    registered.push(kind);
    return new Disposable();
  };
  const real = {
    version: "1.90.0",
    EventEmitter, Disposable, Uri,
    env: { appName: "stand-in", language: "en", machineId: "x", sessionId: "x", uiKind: 1 },
    workspace: new Proxy({ workspaceFolders: undefined, textDocuments: [], notebookDocuments: [],
      getConfiguration: () => ({ get: () => undefined, has: () => false }),
      getWorkspaceFolder: () => undefined }, {
      get: (t, k) => (k in t ? t[k] : (typeof k === "string" && k.startsWith("on") ? () => new Disposable()
        : anything(`workspace.${String(k)}`))),
    }),
    languages: new Proxy({}, {
      get: (_, k) => (typeof k === "string" && k.startsWith("register") ? record(k.slice(8))
        : typeof k === "string" && k.startsWith("on") ? () => new Disposable() : anything(`languages.${String(k)}`)),
    }),
    commands: { registerCommand: (name) => { registered.push(`command:${name}`); return new Disposable(); },
      executeCommand: async () => undefined },
    window: new Proxy({ createOutputChannel: (n) => ({ name: n, append() {}, appendLine() {}, show() {}, clear() {},
      dispose() {}, replace() {} }) }, {
      get: (t, k) => (k in t ? t[k] : (typeof k === "string" && k.startsWith("on") ? () => new Disposable()
        : anything(`window.${String(k)}`))),
    }),
  };
  return new Proxy(real, { get: (t, k) => (k in t ? t[k] : anything(`vscode.${String(k)}`)) });
}

test("the real language client starts hemicycle-lsp and talks to it", { skip: !installed && "npm install first" },
  async () => {
    const registered = [];
    const vscode = standInVscode(registered);
    const lc = loadWith(path.join(ROOT, "node_modules", "vscode-languageclient", "node.js"), { vscode });
    const extension = loadWith(path.join(ROOT, "src", "extension.js"), { vscode, "vscode-languageclient/node": lc });
    const [command, ...args] = JSON.parse(process.env.HEMICYCLE_LSP || '["hemicycle-lsp"]');
    const { run } = extension.serverOptions({ get: (k) => ({ "server.command": command, "server.args": args })[k] });
    const client = new lc.LanguageClient("hemicycle", "hemicycle", { run, debug: run },
      extension.clientOptions(vscode.window.createOutputChannel("hemicycle")));
    await client.start();
    try {
      const caps = client.initializeResult.capabilities;
      assert.ok(caps.documentFormattingProvider && caps.hoverProvider && caps.codeLensProvider);
      assert.deepEqual(caps.executeCommandProvider.commands, ["hemicycle.protocol"]);
      for (const kind of ["DocumentFormattingEditProvider", "HoverProvider", "CodeActionsProvider", "CodeLensProvider",
        "CompletionItemProvider"]) {
        assert.ok(registered.includes(kind), `${kind} registered: ${registered}`);
      }
      assert.ok(registered.includes("command:hemicycle.protocol"));
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), "hemicycle-client-"));
      const uri = `file://${folder}/kazakhstan-2021.elect`;
      await client.sendNotification("textDocument/didOpen", { textDocument: {
        uri, languageId: "elect", version: 1, text: fs.readFileSync(RULES, "utf-8") } });
      const lenses = await client.sendRequest("textDocument/codeLens", { textDocument: { uri } });
      assert.equal(lenses.length, 3);
      assert.match(lenses[2].command.title, /kazakhstan-2021: QHP 10, NurOtan 76, AkZhol 12, APK 9/);
      const protocol = await client.sendRequest("workspace/executeCommand", {
        command: "hemicycle.protocol", arguments: [uri, "kazakhstan-2021"] });
      assert.match(protocol, /Result: QHP 10, NurOtan 76, Auyl 0, AkZhol 12, Adal 0, APK 9; total 107/);
    } finally {
      await client.stop();
    }
  });
