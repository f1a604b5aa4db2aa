import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LearningSummary } from '../../shared/learning';

function shortTime(at: number): string {
  return new Date(at).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

const percent = (rate: number) => `${Math.round(rate * 100)}%`;

/**
 * The share of replies the user accepted (rolling over the last `window` judged replies) over time,
 * with the policy versions the box started serving marked on it: the line that should rise as the
 * assistant learns. Colours come from the theme through currentColor and CSS (see learning.css).
 */
export function AcceptanceChart({ summary }: { summary: LearningSummary }) {
  const { curve, versions, window } = summary;
  const first = curve[0]?.at ?? 0;
  const last = curve.at(-1)?.at ?? 0;
  const shown = versions.filter((v) => v.at >= first && v.at <= last);
  return (
    <figure className="chart acceptance-chart" data-testid="acceptance-chart" data-points={curve.length}>
      <figcaption>
        Replies you accepted without correcting or asking again — share of the last {window} you reacted to
      </figcaption>
      {curve.length === 0 ? (
        <p className="muted small chart-empty">Nothing to plot yet: react to a few replies (go on, thank, correct, or use 👍/👎).</p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={curve} margin={{ top: 18, right: 24, bottom: 0, left: -8 }}>
            <CartesianGrid strokeDasharray="3 3" className="chart-grid" />
            <XAxis dataKey="at" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={shortTime} tick={{ fontSize: 11 }} minTickGap={40} />
            <YAxis domain={[0, 1]} tickFormatter={percent} tick={{ fontSize: 11 }} width={48} />
            <Tooltip
              labelFormatter={(at) => shortTime(Number(at))}
              formatter={(rate, _name, item) => [
                `${percent(Number(rate))} of the last ${(item.payload as { replies: number }).replies}`,
                'accepted',
              ]}
            />
            {shown.map((v) => (
              <ReferenceLine
                key={v.version}
                x={v.at}
                className="version-line"
                strokeDasharray="4 3"
                label={{ value: v.version, position: 'insideTopLeft', fontSize: 11, className: 'version-label-text' }}
              />
            ))}
            <Line type="monotone" dataKey="rate" name="accepted" stroke="currentColor" strokeWidth={2} dot={curve.length < 40} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      )}
      {versions.length > 0 ? (
        <p className="muted small" data-testid="version-marks">
          Policy versions: {versions.map((v) => `${v.version} (from ${shortTime(v.at)})`).join(', ')}
        </p>
      ) : null}
    </figure>
  );
}
