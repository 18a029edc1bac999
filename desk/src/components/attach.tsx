import type { JSX } from 'preact';
import { useState } from 'preact/hooks';

/** Whether a drag carries files (not text or a link dragged from the page). */
const carriesFiles = (event: DragEvent): boolean =>
  Array.from(event.dataTransfer?.types ?? []).includes('Files');

/** Drop handlers for an element, and whether files are being dragged over it now. */
export function useFileDrop(
  onFiles: (files: File[]) => void,
): [boolean, JSX.HTMLAttributes<HTMLFormElement>] {
  const [over, setOver] = useState(false);
  const enter = (event: DragEvent): void => {
    if (!carriesFiles(event)) return;
    // Accepting the drag is what lets the drop happen here instead of the browser opening the file.
    event.preventDefault();
    setOver(true);
  };
  return [
    over,
    {
      onDragEnter: enter,
      onDragOver: enter,
      onDragLeave: (event) => {
        const to = event.relatedTarget;
        if (!(to instanceof Node) || !event.currentTarget.contains(to)) setOver(false);
      },
      onDrop: (event) => {
        event.preventDefault();
        setOver(false);
        const files = Array.from(event.dataTransfer?.files ?? []);
        if (files.length > 0) onFiles(files);
      },
    },
  ];
}

/** A file picker that looks like a button; the input stays in the page for keyboards and tests. */
export function AttachButton({
  onFiles,
  disabled,
}: {
  onFiles: (files: File[]) => void;
  disabled: boolean;
}) {
  return (
    <label class={`attach ${disabled ? 'disabled' : ''}`} title="Attach a file">
      <span aria-hidden="true">📎</span>
      <input
        type="file"
        class="visually-hidden"
        aria-label="Attach a file"
        multiple
        disabled={disabled}
        onChange={(event) => {
          const input = event.currentTarget;
          const files = Array.from(input.files ?? []);
          // Cleared, so picking the same file again after an error still sends it.
          input.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </label>
  );
}
