import { useRef, useState, type FormEvent } from 'react';

import { Alert } from '../../../components/ui/Alert';
import { Button } from '../../../components/ui/Button';
import { errorMessage } from '../../../lib/api-error';
import { useExportEntries, useImportEntries, type ExportFormat } from '../api';

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
  const fileInput = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<string | null>(null);
  const [chosen, setChosen] = useState(false);
  const [needFile, setNeedFile] = useState(false);
  const exporting = useExportEntries();
  const importing = useImportEntries();

  function download(format: ExportFormat) {
    exporting.mutate(format, { onSuccess: ({ blob, name }) => save(blob, name) });
  }

  function onImport(event: FormEvent) {
    event.preventDefault();
    const file = fileInput.current?.files?.[0];
    // A new attempt clears the last answer, so an old result never passes for this one.
    setResult(null);
    importing.reset();
    if (!file) {
      setNeedFile(true);
      return;
    }
    importing.mutate(file, {
      onSuccess: (answer) => {
        setResult(
          `Imported ${answer.created} entr${answer.created === 1 ? 'y' : 'ies'}` +
            (answer.skipped
              ? `; ${answer.skipped} already in your journal were left as they are.`
              : '.') +
            (answer.unsupported
              ? ` ${answer.unsupported} item${answer.unsupported === 1 ? '' : 's'} (such as photos) could not be imported.`
              : ''),
        );
        if (fileInput.current) fileInput.current.value = '';
        setChosen(false);
      },
    });
  }

  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">Export and import</h2>
      <p className="muted">
        Your journal is yours: download every entry, or bring entries back from an export.
      </p>
      {exporting.isError ? <Alert>{errorMessage(exporting.error)}</Alert> : null}
      <div className="button-row">
        <Button variant="secondary" onClick={() => download('json')} disabled={exporting.isPending}>
          Download JSON
        </Button>
        <Button
          variant="secondary"
          onClick={() => download('markdown')}
          disabled={exporting.isPending}
        >
          Download markdown (zip)
        </Button>
      </div>
      <form onSubmit={onImport} className="import-form">
        {result ? <Alert kind="success">{result}</Alert> : null}
        {importing.isError ? <Alert>{errorMessage(importing.error)}</Alert> : null}
        {needFile && !chosen ? <Alert>Choose a file to import first.</Alert> : null}
        <div className="field">
          <label htmlFor="import-file">Import an export file (.json or .zip)</label>
          <input
            id="import-file"
            ref={fileInput}
            type="file"
            aria-describedby="import-file-hint"
            accept=".json,.zip,application/json,application/zip"
            onChange={(e) => {
              setChosen(Boolean(e.target.files?.length));
              setNeedFile(false);
              setResult(null);
            }}
          />
          <p className="field-hint" id="import-file-hint">
            This journal&apos;s exports, a Day One export (its .zip or Journal.json) or a jrnl JSON
            export.
          </p>
        </div>
        <Button type="submit" variant="secondary" disabled={importing.isPending}>
          {importing.isPending ? 'Importing…' : 'Import'}
        </Button>
      </form>
    </section>
  );
}
