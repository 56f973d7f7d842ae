// The peacecheck extension: highlighting comes from the grammar in package.json; everything else
// (diagnostics, verdicts, hover, completion, navigation, code actions, formatting) from the
// language server `peacecheck lsp`, started over stdio.
"use strict";
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function serverOptions() {
  const command = vscode.workspace.getConfiguration("peacecheck").get("server.command", ["peacecheck", "lsp"]);
  const [program, ...args] = command.length ? command : ["peacecheck", "lsp"];
  return { command: program, args };
}

async function activate(context) {
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "peacecheck" },
      { scheme: "untitled", language: "peacecheck" },
    ],
    synchronize: {
      // Inputs changed outside the editor (red lines, vocabularies, the config) re-check the open files.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.peace,*.redlines,*.vocab,peacecheck.toml,pyproject.toml}"),
    },
  };
  client = new LanguageClient("peacecheck", "peacecheck", serverOptions(), clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand("peacecheck.restartServer", () => client.restart()),
  );
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
