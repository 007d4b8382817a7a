import { useState } from 'react';

import { Alert } from '../../../components/ui/Alert';
import { Button } from '../../../components/ui/Button';

/** The .txt file's content: what the codes are for, when they were made, one per line. */
export function recoveryCodesText(codes: string[], made: Date, host: string): string {
  return [
    `Journal recovery codes (${host})`,
    `Generated ${made.toISOString().slice(0, 10)}. Each code works once.`,
    'Use one to sign in when you cannot use your authenticator app.',
    '',
    ...codes,
    '',
  ].join('\n');
}

/** Shown once, right after they were made: list, download as .txt, copy. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const text = recoveryCodesText(codes, new Date(), window.location.host);

  function download() {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'journal-recovery-codes.txt';
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  return (
    <div className="recovery-codes" aria-labelledby="recovery-title">
      <h3 id="recovery-title">Your recovery codes</h3>
      <Alert kind="info">
        Save these codes somewhere safe now: they are shown only once. Each one lets you sign in
        once if you lose your authenticator app.
      </Alert>
      <ol className="code-list" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="button-row">
        <Button variant="secondary" onClick={download}>
          Download .txt
        </Button>
        <Button variant="secondary" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </Button>
        <Button onClick={onDone}>I saved them</Button>
      </div>
    </div>
  );
}
