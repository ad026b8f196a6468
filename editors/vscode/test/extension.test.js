// The extension's wiring, without VS Code: activation makes a language client that starts
// hemicycle-lsp over stdio for rule files, registers the commands the package declares, shows
// the protocol the server sends, and says what to install when the server cannot be started.
// Run with `node --test test/` (no npm install needed: vscode and the client are stand-ins).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { makeVscode, makeLanguageClient, loadWith } = require("./mocks");

const EXTENSION = path.join(__dirname, "..", "src", "extension.js");
const manifest = require("../package.json");

function activateWith({ settings, client } = {}) {
  const vscode = makeVscode(settings);
  const lc = makeLanguageClient(client);
  const extension = loadWith(EXTENSION, { vscode, "vscode-languageclient/node": lc.module });
  const context = { subscriptions: [] };
  return { vscode, lc, extension, context };
}

test("activation starts hemicycle-lsp over stdio for rule files", async () => {
  const { vscode, lc, extension, context } = activateWith();
  await extension.activate(context);
  assert.equal(lc.made.length, 1);
  const client = lc.made[0];
  assert.equal(client.id, "hemicycle");
  assert.ok(client.started);
  assert.deepEqual(client.serverOptions.run, { command: "hemicycle-lsp", args: [], transport: 0 });
  assert.deepEqual(client.serverOptions.debug, client.serverOptions.run);
  assert.deepEqual(client.clientOptions.documentSelector.map((s) => s.language), ["elect", "elect"]);
  assert.equal(client.clientOptions.outputChannel, vscode.calls.channels[0]);
  assert.deepEqual(vscode.calls.errors, []);
  assert.ok(context.subscriptions.length >= 3); // two commands and the output channel
});

test("the settings choose the server command and its arguments", async () => {
  const settings = { "hemicycle.server.command": "/venv/bin/hemicycle-lsp", "hemicycle.server.args": ["-v"] };
  const { lc, extension, context } = activateWith({ settings });
  await extension.activate(context);
  assert.deepEqual(lc.made[0].serverOptions.run, { command: "/venv/bin/hemicycle-lsp", args: ["-v"], transport: 0 });
});

test("every command the package declares is registered, and no other", async () => {
  const { vscode, extension, context } = activateWith();
  await extension.activate(context);
  const declared = manifest.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(Object.keys(vscode.calls.commands).sort(), declared);
  assert.equal(manifest.main, "./dist/extension.js");
  assert.deepEqual(manifest.contributes.languages.map((l) => l.id), ["elect"]);
  assert.ok(manifest.dependencies["vscode-languageclient"]);
});

test("the code lens command asks the server for the protocol and shows it beside the rules", async () => {
  const { vscode, lc, extension, context } = activateWith({ client: { answer: "Result: QHP 10; total 107" } });
  await extension.activate(context);
  await vscode.calls.commands["hemicycle.showProtocol"]("file:///r/kazakhstan-2021.elect", "kazakhstan-2021");
  assert.deepEqual(lc.made[0].requests, [{ method: "workspace/executeCommand", params: {
    command: "hemicycle.protocol", arguments: ["file:///r/kazakhstan-2021.elect", "kazakhstan-2021"] } }]);
  assert.deepEqual(vscode.calls.opened, [{ content: "Result: QHP 10; total 107", language: "plaintext" }]);
  assert.equal(vscode.calls.shown[0].options.viewColumn, vscode.ViewColumn.Beside);
});

test("a server that cannot start is reported with what to install", async () => {
  const { vscode, extension, context } = activateWith({ client: { failStart: true } });
  await extension.activate(context);
  assert.equal(vscode.calls.errors.length, 1);
  assert.match(vscode.calls.errors[0], /pip install 'hemicycle\[lsp\]'/);
  assert.match(vscode.calls.errors[0], /ENOENT/);
  await vscode.calls.commands["hemicycle.showProtocol"]("file:///x.elect", "x");
  assert.match(vscode.calls.warnings[0], /not running/);
});

test("restart stops the client and starts a new one; deactivate stops it", async () => {
  const { vscode, lc, extension, context } = activateWith();
  await extension.activate(context);
  await vscode.calls.commands["hemicycle.restartServer"]();
  assert.equal(lc.made.length, 2);
  assert.ok(lc.made[0].stopped && lc.made[1].started);
  await extension.deactivate();
  assert.ok(lc.made[1].stopped);
});
