// Shows a new API key the one time the server gives it out, with a copy button; closing the
// dialog forgets it for good.
import { useRef, useState } from 'react';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';

export function NewKeyDialog({ name, secret, onClose }: { name: string; secret: string | null; onClose: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const field = useRef<HTMLInputElement>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret ?? '');
      setCopied('yes');
    } catch {
      // No clipboard access (insecure context, permission): select it for a manual copy.
      field.current?.select();
      setCopied('failed');
    }
  };

  const close = () => {
    setCopied(null);
    onClose();
  };

  return (
    <Dialog open={secret !== null} title={`API key “${name}” created`} onClose={close} size="lg">
      <Alert tone="warning" title="Copy the key now: it is shown only this once.">
        The server keeps only a digest of it. If it is lost, revoke it and create another.
      </Alert>
      <label htmlFor="new-api-key" className="mt-4 block text-sm font-medium text-slate-800">
        API key
      </label>
      <div className="mt-1 flex gap-2">
        <input
          id="new-api-key"
          ref={field}
          readOnly
          data-testid="new-api-key"
          value={secret ?? ''}
          onFocus={(e) => e.currentTarget.select()}
          className="block w-full min-w-0 rounded-lg border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-900"
        />
        <Button data-autofocus variant="secondary" className="shrink-0" onClick={() => void copy()}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </Button>
      </div>
      <p role="status" className="mt-1 min-h-5 text-xs text-slate-500">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Copying is not allowed here: the key is selected, copy it by hand.' : ''}
      </p>
      <div className="mt-4 flex justify-end">
        <Button onClick={close}>I have copied it</Button>
      </div>
    </Dialog>
  );
}
