import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';

import { Alert } from '../../../components/ui/Alert';
import { Button } from '../../../components/ui/Button';
import { api } from '../../../lib/api-client';
import { unwrap } from '../../../lib/api-error';
import { useApiForm } from '../../../lib/use-api-form';

function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/** Download everything (JSON or a zip of markdown files) and import an export back. */
export function ExportImport() {
  const queryClient = useQueryClient();
  const fileInput = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<string | null>(null);
  const exporting = useApiForm();
  const importing = useApiForm();

  async function download(format: 'json' | 'markdown') {
    await exporting.run(async () => {
      const result = await api.entriesExportEntries({ query: { format }, parseAs: 'blob' });
      const blob = unwrap(result) as unknown as Blob;
      const disposition = result.response?.headers.get('Content-Disposition') ?? '';
      const name =
        /filename="([^"]+)"/.exec(disposition)?.[1] ??
        `journal.${format === 'json' ? 'json' : 'zip'}`;
      save(blob, name);
    });
  }

  async function onImport(event: FormEvent) {
    event.preventDefault();
    const file = fileInput.current?.files?.[0];
    if (!file) return;
    setResult(null);
    await importing.run(async () => {
      const answer = unwrap(await api.entriesImportEntries({ body: { file } }));
      setResult(
        `Imported ${answer.created} entr${answer.created === 1 ? 'y' : 'ies'}` +
          (answer.skipped
            ? `; ${answer.skipped} already in your journal were left as they are.`
            : '.'),
      );
      await queryClient.invalidateQueries();
      if (fileInput.current) fileInput.current.value = '';
    });
  }

  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">Export and import</h2>
      <p className="muted">
        Your journal is yours: download every entry, or bring entries back from an export.
      </p>
      {exporting.error ? <Alert>{exporting.error}</Alert> : null}
      <div className="button-row">
        <Button variant="secondary" onClick={() => void download('json')} disabled={exporting.busy}>
          Download JSON
        </Button>
        <Button
          variant="secondary"
          onClick={() => void download('markdown')}
          disabled={exporting.busy}
        >
          Download markdown (zip)
        </Button>
      </div>
      <form onSubmit={onImport} className="import-form">
        {result ? <Alert kind="success">{result}</Alert> : null}
        {importing.error ? <Alert>{importing.error}</Alert> : null}
        <div className="field">
          <label htmlFor="import-file">Import an export file (.json or .zip)</label>
          <input
            id="import-file"
            ref={fileInput}
            type="file"
            accept=".json,.zip,application/json,application/zip"
          />
        </div>
        <Button type="submit" variant="secondary" disabled={importing.busy}>
          {importing.busy ? 'Importing…' : 'Import'}
        </Button>
      </form>
    </section>
  );
}
