// Stand-ins for the modules VS Code provides (vscode) and, for the unit tests, the language client,
// installed by intercepting require(): VS Code itself cannot be run here.
"use strict";

const Module = require("node:module");

function disposable() {
  return { dispose() {} };
}

// A vscode module that records what the extension asks of it.
function makeVscode(settings = {}) {
  const calls = { commands: {}, errors: [], warnings: [], opened: [], shown: [], channels: [] };
  const vscode = {
    calls,
    ViewColumn: { Beside: -2 },
    commands: {
      registerCommand(name, fn) {
        calls.commands[name] = fn;
        return disposable();
      },
    },
    window: {
      createOutputChannel(name) {
        const channel = { name, lines: [], appendLine(s) { this.lines.push(s); }, append() {}, show() {},
                          clear() {}, dispose() {} };
        calls.channels.push(channel);
        return channel;
      },
      showErrorMessage(message) { calls.errors.push(message); return Promise.resolve(undefined); },
      showWarningMessage(message) { calls.warnings.push(message); return Promise.resolve(undefined); },
      async showTextDocument(document, options) { calls.shown.push({ document, options }); return {}; },
    },
    workspace: {
      getConfiguration(section) {
        return { get: (key) => settings[`${section}.${key}`] };
      },
      async openTextDocument(options) { calls.opened.push(options); return { options }; },
    },
  };
  return vscode;
}

// A LanguageClient that records how it was made and driven.
function makeLanguageClient({ failStart = false, answer = "protocol text" } = {}) {
  const made = [];
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, started: false, stopped: false, requests: [] });
      made.push(this);
    }
    async start() {
      if (failStart) throw new Error("spawn hemicycle-lsp ENOENT");
      this.started = true;
    }
    async stop() { this.stopped = true; }
    async sendRequest(method, params) { this.requests.push({ method, params }); return answer; }
  }
  return { module: { LanguageClient, TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 } }, made };
}

// require(path) with the given modules in place of theirs; a fresh copy each time.
function loadWith(path, replacements) {
  const original = Module._load;
  Module._load = function (request, parent, isMain) {
    if (Object.prototype.hasOwnProperty.call(replacements, request)) return replacements[request];
    return original.call(this, request, parent, isMain);
  };
  try {
    delete require.cache[require.resolve(path)];
    return require(path);
  } finally {
    Module._load = original;
  }
}

module.exports = { makeVscode, makeLanguageClient, loadWith };
