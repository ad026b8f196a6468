// The hemicycle extension: starts the language server (hemicycle-lsp, over stdio) through a
// language client for every rule file (*.elect), and adds the commands the server's code lenses
// and the command palette use. Diagnostics, hover, completion, formatting, quick fixes and code
// lenses all come from the server; this file only wires them.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

const SECTION = "hemicycle";
let client = null;

// How to run the server: the command and arguments of the settings (defaults: hemicycle-lsp).
function serverOptions(config) {
  const command = config.get("server.command") || "hemicycle-lsp";
  const args = config.get("server.args") || [];
  const run = { command, args, transport: TransportKind.stdio };
  return { run, debug: run };
}

function clientOptions(outputChannel) {
  return {
    documentSelector: [
      { scheme: "file", language: "elect" },
      { scheme: "untitled", language: "elect" },
    ],
    outputChannel,
  };
}

// The protocol of a bundled election under the rules being edited, in a document beside them.
async function showProtocol(uri, election) {
  if (!client) {
    vscode.window.showWarningMessage("hemicycle: the language server is not running");
    return;
  }
  const text = await client.sendRequest("workspace/executeCommand", {
    command: "hemicycle.protocol",
    arguments: [uri, election],
  });
  const document = await vscode.workspace.openTextDocument({ content: text, language: "plaintext" });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

async function start(context) {
  const config = vscode.workspace.getConfiguration(SECTION);
  const channel = vscode.window.createOutputChannel("hemicycle");
  context.subscriptions.push(channel);
  client = new LanguageClient("hemicycle", "hemicycle rule files", serverOptions(config), clientOptions(channel));
  try {
    await client.start();
  } catch (error) {
    const command = config.get("server.command") || "hemicycle-lsp";
    vscode.window.showErrorMessage(
      `hemicycle: could not start the language server '${command}' (pip install 'hemicycle[lsp]', ` +
        `or set hemicycle.server.command): ${error && error.message ? error.message : error}`,
    );
    client = null;
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("hemicycle.showProtocol", showProtocol),
    vscode.commands.registerCommand("hemicycle.restartServer", async () => {
      await deactivate();
      await start(context);
    }),
  );
  await start(context);
}

async function deactivate() {
  if (client) {
    const running = client;
    client = null;
    await running.stop();
  }
}

module.exports = { activate, deactivate, serverOptions, clientOptions, showProtocol };
