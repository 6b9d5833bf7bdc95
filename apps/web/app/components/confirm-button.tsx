import { Button, Group, Modal, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';

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

/** A button that asks first, in a dialog named like the button: for actions with consequences. */
export function ConfirmButton(props: Props) {
  const [asking, { open, close }] = useDisclosure(false);
  const danger = (props.tone ?? 'danger') === 'danger';
  return (
    <>
      <Button
        size="xs"
        variant={danger ? 'light' : 'default'}
        color={danger ? 'red' : undefined}
        disabled={props.pending}
        onClick={open}
      >
        {props.pending ? props.pendingLabel : props.label}
      </Button>
      <Modal opened={asking} onClose={close} title={props.label} centered>
        <Text>{props.question}</Text>
        <Group justify="flex-end" mt="lg">
          {/* Going back is the default: it has the focus when the dialog opens. */}
          <Button variant="default" onClick={close} data-autofocus>
            No, go back
          </Button>
          <Button
            color={danger ? 'red' : undefined}
            onClick={() => {
              close();
              props.onConfirm();
            }}
          >
            {props.confirmLabel}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
