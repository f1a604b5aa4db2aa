import { Component, type ReactNode } from 'react';
import { PlainTextBlock } from './PlainTextBlock';

interface Props {
  /** What to show as plain text if rendering the children fails. */
  text: string;
  children: ReactNode;
}

/**
 * Keeps one message that fails to render from taking the app down with it (React unmounts the
 * whole tree on an uncaught render error): the message shows as plain text with a note instead.
 */
export class MessageErrorBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    if (this.state.failed) {
      return (
        <div data-testid="message-render-error">
          <PlainTextBlock text={this.props.text} reason="render-error" />
        </div>
      );
    }
    return this.props.children;
  }
}
