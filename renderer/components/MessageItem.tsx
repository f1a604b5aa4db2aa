import { useMutation, useQueryClient } from '@tanstack/react-query';
import { memo, useMemo, useRef, useState } from 'react';
import type { Message } from '../../shared/domain';
import type { MessageFeedback } from '../data/message-signals';
import { queryKeys } from '../data/query-keys';
import { useApi } from '../ipc/api-context';
import { applyMessage, emptyThread, type ThreadCache } from '../data/message-cache';
import { useThreadActions } from '../data/use-thread-actions';
import { describeError } from '../ipc/ipc-call-error';
import { splitReasoning } from '../../shared/split-reasoning';
import { readSelectionIn } from '../selection/read-dom-selection';
import { CopyButton } from './CopyButton';
import { RegenerateIcon, ThumbDownIcon, ThumbUpIcon } from './icons';
import { InlineMarkPopover, type InlineMarkTarget } from './InlineMarkPopover';
import { LearningNotice } from './LearningNotice';
import { MarkdownContent } from './MarkdownContent';
import { MessageEndingNote } from './MessageEndingNote';
import { MessageErrorBoundary } from './MessageErrorBoundary';
import { ReasoningPanel } from './ReasoningPanel';
import { SignalBadge } from './SignalBadge';
import { UserMessage } from './UserMessage';
import { VersionSwitcher } from './VersionSwitcher';

interface Props {
  message: Message;
  feedback: MessageFeedback | null;
  canRegenerate: boolean;
  /** A reply streams in this conversation: versions and branches wait. */
  busy: boolean;
}

/**
 * One turn of the thread; assistant replies carry feedback controls and their signal badge. A turn
 * that fails to render shows as plain text instead of taking the thread down.
 */
export const MessageItem = memo(function MessageItem(props: Props) {
  return (
    <MessageErrorBoundary text={props.message.content}>
      <MessageTurn {...props} />
    </MessageErrorBoundary>
  );
});

function MessageTurn({ message, feedback, canRegenerate, busy }: Props) {
  if (message.role === 'user') return <UserMessage message={message} busy={busy} />;
  return <AssistantMessage message={message} feedback={feedback} canRegenerate={canRegenerate} busy={busy} />;
}

type Panel = { kind: 'none' } | { kind: 'thumb-down' } | { kind: 'edit' };

function AssistantMessage({ message, feedback, canRegenerate, busy }: Props) {
  const api = useApi();
  const queryClient = useQueryClient();
  const contentRef = useRef<HTMLDivElement>(null);
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const [reason, setReason] = useState('');
  const [edited, setEdited] = useState('');
  const [mark, setMark] = useState<InlineMarkTarget | null>(null);
  const [showOriginal, setShowOriginal] = useState(false);
  const { regenerate, selectVersion } = useThreadActions(message.conversationId);

  const refreshSignals = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.signals(message.conversationId) });
  };
  const thumb = useMutation({
    mutationFn: (input: { up: boolean; reason?: string }) =>
      api.invoke('feedback:thumb', { messageId: message.id, up: input.up, ...(input.reason ? { reason: input.reason } : {}) }),
    onSuccess: () => {
      setPanel({ kind: 'none' });
      setReason('');
      refreshSignals();
    },
  });
  const edit = useMutation({
    mutationFn: (content: string) => api.invoke('feedback:edit', { messageId: message.id, content }),
    onSuccess: (result) => {
      setPanel({ kind: 'none' });
      setShowOriginal(false);
      // The rewrite now stands in the thread (and is what later turns see).
      queryClient.setQueryData<ThreadCache>(queryKeys.messages(message.conversationId), (t) => applyMessage(t ?? emptyThread, result.message));
      refreshSignals();
    },
  });
  const inlineMark = useMutation({
    mutationFn: (input: { start: number; end: number; correction: string }) =>
      api.invoke('feedback:inlineMark', { messageId: message.id, ...input }),
    onSuccess: () => {
      setMark(null);
      window.getSelection()?.removeAllRanges();
      refreshSignals();
    },
  });
  // 👍/👎 toggle off, and "that wasn't a correction" vetoes an inferred signal.
  const remove = useMutation({
    mutationFn: (signalId: string) => api.invoke('signals:remove', { signalId }),
    onSuccess: () => {
      setPanel({ kind: 'none' });
      refreshSignals();
    },
  });

  const streaming = message.status === 'streaming';
  const rewritten = message.editedContent != null;
  // A reply that failed or was cut off never trains, so it offers no feedback (regenerate still works).
  const trainable = message.content !== '' && message.status !== 'error';
  // A reasoning model's thinking is shown apart; the answer is what renders (and what marks map to).
  // Reasoning comes either inside the text (<think>…</think>) or apart from it (reasoning_content).
  const split = useMemo(() => splitReasoning(message.content), [message.content]);
  const { answer, answerStart } = split;
  const apart = message.reasoning ?? null;
  const reasoning = apart ?? split.reasoning;
  const thinking = apart !== null ? message.content === '' : split.thinking;
  // The user's rewrite stands in the thread instead of what the model wrote (unless they look back at it).
  const rewrite = message.editedContent ?? '';
  const showRewrite = rewritten && !showOriginal;
  const onSelectionDone = () => {
    // Marks apply to what the model wrote; a rewritten reply shows the user's own text instead.
    if (!trainable || streaming || rewritten || !contentRef.current) return;
    const read = readSelectionIn(contentRef.current, answer);
    if (!read) return;
    inlineMark.reset();
    const offsets = read.offsets;
    setMark({
      x: read.rect.left,
      y: read.rect.bottom,
      result: offsets.ok ? { ...offsets, start: offsets.start + answerStart, end: offsets.end + answerStart } : { ok: false, message: offsets.message },
    });
  };

  const error = thumb.error ?? edit.error ?? regenerate.error ?? selectVersion.error ?? remove.error;
  const live = feedback && feedback.signal.removedAt === null ? feedback.signal : null;
  const thumbUp = live?.kind === 'thumb_up' ? live : null;
  const thumbDown = live?.kind === 'thumb_down' ? live : null;
  return (
    <article
      className="message assistant"
      data-testid="message"
      data-role="assistant"
      data-status={message.status}
      data-message-id={message.id}
    >
      {reasoning !== null && !showRewrite ? <ReasoningPanel text={reasoning} thinking={thinking} streaming={streaming} /> : null}
      <div
        className="markdown"
        ref={contentRef}
        data-testid="message-content"
        onMouseUp={onSelectionDone}
        onKeyUp={(e) => e.shiftKey && onSelectionDone()}
      >
        <MessageErrorBoundary text={showRewrite ? rewrite : answer}>
          {showRewrite ? (
            <MarkdownContent text={rewrite} />
          ) : answer ? (
            <MarkdownContent text={answer} streaming={streaming} />
          ) : message.status === 'complete' && reasoning === null ? (
            <p className="muted">(empty reply)</p>
          ) : null}
        </MessageErrorBoundary>
        {streaming ? <span className="caret" aria-label="streaming" data-testid="streaming-caret" /> : null}
      </div>
      {streaming && !message.content ? <LearningNotice messageId={message.id} /> : null}
      {rewritten ? (
        <p className="status-note" data-testid="reply-rewritten">
          {showOriginal ? 'What the model wrote' : 'Your rewrite — later replies see this text'} ·{' '}
          <button type="button" className="link-button" data-testid="toggle-original" onClick={() => setShowOriginal(!showOriginal)}>
            {showOriginal ? 'show your rewrite' : 'show the original'}
          </button>
        </p>
      ) : null}
      {message.status === 'stopped' ? <p className="status-note" data-testid="message-stopped">Stopped</p> : null}
      {message.status === 'error' && message.truncation !== 'cut_off' ? (
        <p className="inline-error" role="alert" data-testid="message-error">
          {message.error ?? 'The reply failed.'}
        </p>
      ) : null}
      <MessageEndingNote message={message} />
      {!streaming ? (
        <footer className="message-footer">
          <div className="feedback-buttons" role="group" aria-label="Feedback on this reply">
            {trainable ? (
              <>
                <CopyButton text={showRewrite ? rewrite : answer} label="Copy reply" testId="copy-message" />
                <button
                  type="button"
                  className="icon-button"
                  aria-label="Good reply"
                  title="Good reply"
                  data-testid="thumb-up"
                  aria-pressed={thumbUp !== null}
                  disabled={thumb.isPending || remove.isPending}
                  onClick={() => (thumbUp ? remove.mutate(thumbUp.id) : thumb.mutate({ up: true }))}
                >
                  <ThumbUpIcon />
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label="Bad reply"
                  title="Bad reply"
                  data-testid="thumb-down"
                  aria-pressed={thumbDown !== null}
                  disabled={remove.isPending}
                  onClick={() =>
                    thumbDown ? remove.mutate(thumbDown.id) : setPanel(panel.kind === 'thumb-down' ? { kind: 'none' } : { kind: 'thumb-down' })
                  }
                >
                  <ThumbDownIcon />
                </button>
                <button
                  type="button"
                  className="text-button"
                  data-testid="edit-reply"
                  onClick={() => {
                    setEdited(rewritten ? rewrite : answer);
                    setPanel(panel.kind === 'edit' ? { kind: 'none' } : { kind: 'edit' });
                  }}
                >
                  Edit reply
                </button>
              </>
            ) : null}
            {message.status === 'error' ? (
              <button type="button" className="text-button" data-testid="retry" disabled={busy || regenerate.isPending} onClick={() => regenerate.mutate(message.id)}>
                <RegenerateIcon /> Retry
              </button>
            ) : canRegenerate ? (
              <button type="button" className="text-button" data-testid="regenerate" disabled={regenerate.isPending} onClick={() => regenerate.mutate(message.id)}>
                <RegenerateIcon /> Regenerate
              </button>
            ) : null}
            <VersionSwitcher message={message} disabled={busy || selectVersion.isPending} onSelect={(id) => selectVersion.mutate(id)} />
            {trainable && !rewritten ? <span className="footer-hint muted small">Select text to mark it</span> : null}
          </div>
          {message.servedBy === 'other' && message.content ? (
            <span className="provenance-note muted small" data-testid="not-from-box" title="Only replies your box's own model served can train it.">
              not from your box's model — not trained
            </span>
          ) : null}
          {feedback ? (
            <SignalBadge feedback={feedback} onRemove={() => remove.mutate(feedback.signal.id)} removing={remove.isPending} />
          ) : null}
        </footer>
      ) : null}
      {panel.kind === 'thumb-down' ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            thumb.mutate({ up: false, reason: reason.trim() || undefined });
          }}
        >
          <input
            autoFocus
            placeholder="What was wrong? (optional)"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setPanel({ kind: 'none' })}
            data-testid="thumb-down-reason"
          />
          <button type="submit" className="primary" disabled={thumb.isPending} data-testid="thumb-down-submit">
            Send
          </button>
        </form>
      ) : null}
      {panel.kind === 'edit' ? (
        <form
          className="inline-form column"
          onSubmit={(e) => {
            e.preventDefault();
            if (edited.trim()) edit.mutate(edited);
          }}
        >
          <textarea
            autoFocus
            rows={Math.min(16, Math.max(4, edited.split('\n').length + 1))}
            value={edited}
            onChange={(e) => setEdited(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setPanel({ kind: 'none' })}
            aria-label="Rewrite the reply"
            data-testid="edit-reply-text"
          />
          <div className="actions">
            <button type="button" onClick={() => setPanel({ kind: 'none' })}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={edit.isPending || !edited.trim()} data-testid="edit-reply-save">
              Save rewrite
            </button>
          </div>
        </form>
      ) : null}
      {error ? <p className="inline-error small">{describeError(error)}</p> : null}
      {mark ? (
        <InlineMarkPopover
          target={mark}
          busy={inlineMark.isPending}
          error={inlineMark.error ? describeError(inlineMark.error) : null}
          onCancel={() => setMark(null)}
          onSubmit={(correction) => mark.result.ok && inlineMark.mutate({ start: mark.result.start, end: mark.result.end, correction })}
        />
      ) : null}
    </article>
  );
}
