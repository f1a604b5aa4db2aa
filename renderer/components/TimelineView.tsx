import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { TimelineKindSchema, type Persona, type TimelineEvent, type TimelineKind } from '../../shared/domain';
import { useTimeline, useTimelineChartEvents, useTimelineStats } from '../data/queries';
import { describeError } from '../ipc/ipc-call-error';
import { eventFacts, eventHint, TIMELINE_KIND_LABEL } from '../timeline/describe-event';
import { TimelineChart } from './TimelineChart';

const KINDS = TimelineKindSchema.options;

/** How this persona is learning: stats, charts, and every event newest first. */
export function TimelineView({ persona }: { persona: Persona }) {
  const [kinds, setKinds] = useState<TimelineKind[]>([]);
  const stats = useTimelineStats(persona.id);
  const chartEvents = useTimelineChartEvents(persona.id);
  const toggle = (kind: TimelineKind) => setKinds((current) => (current.includes(kind) ? current.filter((k) => k !== kind) : [...current, kind]));

  return (
    <section className="timeline-view" aria-label="Learning timeline" data-testid="timeline-view">
      <header className="view-header">
        <div>
          <h2 data-testid="timeline-title">Learning — {persona.name}</h2>
          <p className="muted small">Signals from your conversations, their delivery to the GPU box, and what training did with them.</p>
        </div>
      </header>
      {stats.data ? (
        <dl className="stats" data-testid="timeline-stats">
          <Stat label="signals" value={stats.data.signals} />
          <Stat label="positive" value={stats.data.positive} tone="good" />
          <Stat label="negative" value={stats.data.negative} tone="bad" />
          <Stat label="hints" value={stats.data.hints} />
          <Stat label="delivered" value={stats.data.delivered} />
          <Stat label="acknowledged" value={stats.data.acknowledged} />
          <Stat label="training steps" value={stats.data.trainingSteps} />
          <Stat label="policy" value={stats.data.policyVersion ?? '—'} />
        </dl>
      ) : null}
      {stats.error ? <p className="inline-error">{describeError(stats.error)}</p> : null}
      <TimelineChart events={chartEvents.data ?? []} />
      <div className="chips" role="group" aria-label="Filter events by kind" data-testid="timeline-filters">
        <button type="button" className={kinds.length === 0 ? 'chip active' : 'chip'} aria-pressed={kinds.length === 0} data-kind="all" onClick={() => setKinds([])}>
          all
        </button>
        {KINDS.map((kind) => (
          <button
            key={kind}
            type="button"
            className={kinds.includes(kind) ? 'chip active' : 'chip'}
            aria-pressed={kinds.includes(kind)}
            data-kind={kind}
            onClick={() => toggle(kind)}
          >
            {TIMELINE_KIND_LABEL[kind].toLowerCase()}
          </button>
        ))}
      </div>
      <TimelineList personaId={persona.id} kinds={kinds} />
    </section>
  );
}

function Stat({ label, value, tone }: { label: string; value: number | string; tone?: 'good' | 'bad' }) {
  return (
    <div className="stat" data-tone={tone} data-testid={`stat-${label.replace(/\s/g, '-')}`}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function TimelineList({ personaId, kinds }: { personaId: string; kinds: TimelineKind[] }) {
  const timeline = useTimeline(personaId, kinds);
  const events = timeline.data?.pages.flat() ?? [];
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: events.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 64,
    overscan: 8,
    getItemKey: (index) => events[index]!.id,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = timeline;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= events.length - 5) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastIndex, events.length]);

  if (timeline.error) return <p className="inline-error">{describeError(timeline.error)}</p>;
  if (timeline.data && events.length === 0) return <p className="muted center">Nothing here yet.</p>;
  return (
    // Focusable, so the list can be scrolled from the keyboard.
    <div className="timeline-scroller" ref={scroller} data-testid="timeline-list" tabIndex={0} role="region" aria-label="Timeline events">
      <ol className="timeline-inner" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => (
          <li key={item.key} data-index={item.index} ref={virtualizer.measureElement} className="timeline-row" style={{ transform: `translateY(${item.start}px)` }}>
            <TimelineRow event={events[item.index]!} />
          </li>
        ))}
      </ol>
    </div>
  );
}

function TimelineRow({ event }: { event: TimelineEvent }) {
  const found = eventHint(event);
  // Hint events already quote the hint in their summary.
  const hint = found && !event.summary.includes(found.slice(0, 40)) ? found : null;
  return (
    <div className="timeline-event" data-testid="timeline-event" data-kind={event.kind}>
      <span className={`kind-dot kind-${event.kind}`} aria-hidden />
      <div className="timeline-body">
        <div className="timeline-head">
          <span className="timeline-kind">{TIMELINE_KIND_LABEL[event.kind]}</span>
          <span className="timeline-summary">{event.summary}</span>
          <time className="muted small" dateTime={new Date(event.createdAt).toISOString()}>
            {new Date(event.createdAt).toLocaleTimeString()}
          </time>
        </div>
        {hint ? <p className="timeline-hint small" data-testid="timeline-hint">hint: {hint}</p> : null}
        <div className="facts small muted">
          {eventFacts(event).map(([label, value]) => (
            <span key={label} className="fact">
              {label} <b>{value}</b>
            </span>
          ))}
        </div>
      </div>
    </div>
  );
}
