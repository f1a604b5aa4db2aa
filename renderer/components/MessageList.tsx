import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef } from 'react';
import type { Message } from '../../shared/domain';
import type { MessageFeedback } from '../data/message-signals';
import { MessageItem } from './MessageItem';

/**
 * The thread, virtualised so long conversations stay fast. It sticks to the bottom while the
 * reply streams unless the user scrolled up to read.
 */
export function MessageList({
  messages,
  feedback,
  regenerableId,
}: {
  messages: Message[];
  feedback: Map<string, MessageFeedback>;
  regenerableId: string | null;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const lastScrollTop = useRef(0);
  const lastScrollHeight = useRef(0);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 140,
    overscan: 6,
    getItemKey: (index) => messages[index]!.id,
  });
  const total = virtualizer.getTotalSize();
  const lastContentLength = messages[messages.length - 1]?.content.length ?? 0;

  const previousCount = useRef(messages.length);
  useLayoutEffect(() => {
    // A new turn (the user just sent) always brings the bottom back into view.
    if (messages.length > previousCount.current) stickToBottom.current = true;
    previousCount.current = messages.length;
    const element = scroller.current;
    if (element && stickToBottom.current) element.scrollTop = element.scrollHeight;
  }, [total, messages.length, lastContentLength]);

  return (
    <div
      className="thread-scroller"
      ref={scroller}
      data-testid="thread"
      // Focusable, so the thread can be scrolled from the keyboard.
      tabIndex={0}
      role="region"
      aria-label="Messages"
      onScroll={(e) => {
        // Only the user scrolling up unsticks; our own jumps to the bottom only ever go down. When
        // the content got shorter (a block re-rendered smaller), the browser moved the scroll
        // position itself: that is not the user leaving the bottom.
        const el = e.currentTarget;
        const shrank = el.scrollHeight < lastScrollHeight.current;
        if (el.scrollTop < lastScrollTop.current - 2 && !shrank) stickToBottom.current = false;
        else if (el.scrollHeight - el.scrollTop - el.clientHeight < 48) stickToBottom.current = true;
        lastScrollTop.current = el.scrollTop;
        lastScrollHeight.current = el.scrollHeight;
      }}
    >
      <div className="thread-inner" style={{ height: total }}>
        {virtualizer.getVirtualItems().map((item) => {
          const message = messages[item.index]!;
          return (
            <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className="thread-row" style={{ transform: `translateY(${item.start}px)` }}>
              <MessageItem message={message} feedback={feedback.get(message.id) ?? null} canRegenerate={message.id === regenerableId} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
