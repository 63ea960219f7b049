import { useState } from 'preact/hooks';
import { api, type ImportOutcome } from '../lib/api.js';
import { ApiError } from '../lib/http.js';
import { ErrorNote } from './error-note.js';

const said: Record<ImportOutcome['result'], string> = {
  would_create: 'will be added',
  created: 'added',
  exists: 'already here (left as it is)',
  invalid: 'cannot be added',
};

/**
 * Import from an MCP client's config file (Claude Desktop, Cursor, Claude Code, VS Code): the
 * file is checked first (a dry run on the server, the same checks as an import), the list says
 * what will happen to each server, and only then the import runs.
 */
export function ImportServers() {
  const [content, setContent] = useState<string | undefined>();
  const [fileName, setFileName] = useState('');
  const [outcomes, setOutcomes] = useState<ImportOutcome[] | undefined>();
  const [imported, setImported] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const run = async (text: string, dryRun: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.servers.import({ content: text, dry_run: dryRun });
      setOutcomes(r.servers);
      setImported(!dryRun);
    } catch (err) {
      setOutcomes(undefined);
      setError(err instanceof ApiError ? (err.fieldMessage('content') ?? err.message) : String(err));
    } finally {
      setBusy(false);
    }
  };
  const pick = async (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    const text = await file.text();
    setFileName(file.name);
    setContent(text);
    await run(text, true);
  };
  const ready = outcomes?.filter((o) => o.result === 'would_create').length ?? 0;
  return (
    <section class="panel import-servers" aria-labelledby="import-title">
      <h2 id="import-title">Import from an MCP client</h2>
      <p class="muted">
        Claude Desktop's <code>claude_desktop_config.json</code>, Cursor's or Claude Code's{' '}
        <code>mcp.json</code>, or VS Code's <code>.vscode/mcp.json</code>. Environment values and headers are
        kept secret.
      </p>
      <label class="file-pick">
        <span>Choose a file</span>{' '}
        <input
          type="file"
          accept=".json,.jsonc,application/json"
          onChange={(e) => void pick(e)}
          disabled={busy}
        />
      </label>
      <ErrorNote text={error} testId="import-error" />
      {outcomes && (
        <>
          <ul class="import-list" aria-label={`Servers in ${fileName}`}>
            {outcomes.map((o) => (
              <li key={o.name} class={`import-${o.result}`}>
                <strong>
                  {o.id && (o.result === 'created' || o.result === 'exists') ? (
                    <a href={`/servers/${encodeURIComponent(o.id)}`}>{o.name}</a>
                  ) : (
                    o.name
                  )}
                </strong>
                : {said[o.result]}
                {o.error && <span class="field-error"> — {o.error.message}</span>}
                {o.warnings.map((w) => (
                  <div class="muted" key={w}>
                    note: {w}
                  </div>
                ))}
              </li>
            ))}
          </ul>
          {!imported && content !== undefined && (
            <button type="button" disabled={busy || ready === 0} onClick={() => void run(content, false)}>
              {ready === 0 ? 'Nothing to import' : `Import ${ready} server${ready === 1 ? '' : 's'}`}
            </button>
          )}
        </>
      )}
    </section>
  );
}
