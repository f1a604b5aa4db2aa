import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { learningNoticeText, type ReplyWaiting } from '../data/learning-notice';
import { queryKeys } from '../data/query-keys';

/**
 * Under a reply that has not started: the box is training a step and holds the request, so say so
 * (with the box's estimate, counting down) instead of leaving the user to wonder or see an error.
 */
export function LearningNotice({ messageId }: { messageId: string }) {
  const { data } = useQuery<ReplyWaiting | null>({
    queryKey: queryKeys.replyWaiting(messageId),
    queryFn: () => null, // filled by the 'chat:waiting' event, never fetched
    enabled: false,
    staleTime: Infinity,
  });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!data) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [data]);
  if (!data) return null;
  return (
    <p className="status-note learning-notice" role="status" data-testid="learning-notice">
      {learningNoticeText(data.resumeInMs, data.receivedAt, Math.max(now, data.receivedAt))}
    </p>
  );
}
