import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TimelineEvent } from '../../shared/domain';
import { signalBuckets, trainingPoints } from '../timeline/timeline-chart-data';

// SVG attributes cannot read CSS variables, so the chart carries its own palette.
const COLORS = { grid: '#e3e6ea', accent: '#3b6fd8', muted: '#8a94a3', good: '#2f9e6e', bad: '#d4574e', neutral: '#b8c0cc' };

function shortTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Reward and loss per training step when the box has trained; signals over time until then. */
export function TimelineChart({ events }: { events: TimelineEvent[] }) {
  const steps = trainingPoints(events);
  const buckets = signalBuckets(events);
  return (
    <div className="charts" data-testid="timeline-chart">
      <figure className="chart">
        <figcaption>Reward per training step</figcaption>
        {steps.length === 0 ? (
          <p className="muted small chart-empty">No training steps yet. The box trains once it has a batch of samples.</p>
        ) : (
          <ResponsiveContainer width="100%" height={160}>
            <LineChart data={steps} margin={{ top: 8, right: 0, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" stroke={COLORS.grid} />
              <XAxis dataKey="step" tick={{ fontSize: 11 }} />
              <YAxis yAxisId="reward" domain={[-1, 1]} ticks={[-1, -0.5, 0, 0.5, 1]} tick={{ fontSize: 11 }} />
              <YAxis yAxisId="loss" orientation="right" tick={{ fontSize: 11 }} tickFormatter={(v: number) => String(Math.round(v * 100) / 100)} />
              <Tooltip />
              <Legend wrapperStyle={{ fontSize: 11 }} />
              <Line yAxisId="reward" type="monotone" dataKey="reward" name="reward mean" stroke={COLORS.accent} strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} connectNulls />
              <Line yAxisId="loss" type="monotone" dataKey="loss" name="loss (right axis)" stroke={COLORS.muted} strokeDasharray="4 3" dot={false} isAnimationActive={false} connectNulls />
            </LineChart>
          </ResponsiveContainer>
        )}
      </figure>
      <figure className="chart">
        <figcaption>Signals over time</figcaption>
        {buckets.length === 0 ? (
          <p className="muted small chart-empty">No signals yet.</p>
        ) : (
          <ResponsiveContainer width="100%" height={160}>
            <BarChart data={buckets} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" stroke={COLORS.grid} />
              <XAxis dataKey="at" tickFormatter={shortTime} tick={{ fontSize: 11 }} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
              <Tooltip labelFormatter={(at) => shortTime(Number(at))} />
              <Legend wrapperStyle={{ fontSize: 11 }} />
              <Bar dataKey="positive" stackId="s" maxBarSize={48} fill={COLORS.good} isAnimationActive={false} />
              <Bar dataKey="negative" stackId="s" maxBarSize={48} fill={COLORS.bad} isAnimationActive={false} />
              <Bar dataKey="neutral" stackId="s" maxBarSize={48} fill={COLORS.neutral} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )}
      </figure>
    </div>
  );
}
