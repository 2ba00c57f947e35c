// Starts `cpo lsp` for the files of convention repositories. Everything
// else (diagnostics, completion, hover, definitions, quick fixes,
// formatting, outline) comes from the server: this file only launches it.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate() {
  const command = vscode.workspace.getConfiguration('cpo').get('path') || 'cpo';
  client = new LanguageClient(
    'cpo',
    'cpo',
    { command, args: ['lsp'] },
    {
      // VS Code has no TOML language of its own: select the files by path.
      documentSelector: [
        { scheme: 'file', pattern: '**/cpo.toml' },
        { scheme: 'file', pattern: '**/periods/*/{base.toml,base.md,seals.toml}' },
        { scheme: 'file', pattern: '**/periods/*/centres/*.{toml,md}' },
        { scheme: 'file', pattern: '**/templates/*' },
      ],
    },
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
