import { useState } from 'react';

interface Props {
  /** The button's words before it is confirmed, e.g. "Cancel post". */
  label: string;
  /** What will happen, as a question a person answers. */
  question: string;
  /** The button that does it, e.g. "Yes, cancel it". */
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  onConfirm: () => void;
  /** "danger" for what cannot be undone. */
  tone?: 'danger' | 'subtle';
}

/** A button that asks first, in place: for actions that cannot be taken back. */
export function ConfirmButton(props: Props) {
  const [asking, setAsking] = useState(false);
  const tone = props.tone ?? 'danger';
  if (props.pending) {
    return (
      <button type="button" className={`button ${tone} small`} disabled>
        {props.pendingLabel}
      </button>
    );
  }
  if (!asking) {
    return (
      <button type="button" className={`button ${tone} small`} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  return (
    <div className="confirm row" role="group" aria-label={props.label}>
      <p>{props.question}</p>
      <button
        type="button"
        className="button danger small"
        onClick={() => {
          setAsking(false);
          props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </button>
      <button type="button" className="button subtle small" onClick={() => setAsking(false)}>
        No, go back
      </button>
    </div>
  );
}
