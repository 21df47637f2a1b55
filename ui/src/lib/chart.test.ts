import { describe, expect, it } from 'vitest';
import { layoutChart, niceTicks, pointsInSpan, segments } from './chart.js';

const BOX = { width: 200, height: 100, left: 0, right: 0, top: 0, bottom: 0 };

describe('chart logic', () => {
  it('breaks a series at missing values: a gap, never a zero', () => {
    expect(segments([1, 2, null, 4, null, null, 7, 8])).toEqual([
      [
        { index: 0, value: 1 },
        { index: 1, value: 2 },
      ],
      [{ index: 3, value: 4 }],
      [
        { index: 6, value: 7 },
        { index: 7, value: 8 },
      ],
    ]);
    expect(segments([null, null])).toEqual([]);
    expect(segments([0])).toEqual([[{ index: 0, value: 0 }]]);
  });

  it('draws one path per segment and no point where the value is missing', () => {
    const times = ['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z'];
    const layout = layoutChart(times, [{ key: 'a', label: 'a', values: [10, null, 0, 20] }], BOX);
    const [series] = layout.series;
    expect(series!.paths).toHaveLength(2);
    expect(series!.points.map((point) => point.index)).toEqual([0, 2, 3]);
    // The zero is drawn at the bottom; the missing run has no point at all.
    expect(series!.points.find((point) => point.index === 2)!.y).toBe(100);
    expect(series!.paths[0]).toBe('M0 50');
  });

  it('places points by time when it can, else evenly', () => {
    const byTime = layoutChart(['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-11T00:00:00Z'], [{ key: 'a', label: 'a', values: [1, 1, 1] }], BOX);
    expect(byTime.xs).toEqual([0, 20, 200]);
    const even = layoutChart(['x', 'y', 'z'], [{ key: 'a', label: 'a', values: [1, 1, 1] }], BOX);
    expect(even.xs).toEqual([0, 100, 200]);
    const single = layoutChart(['2026-01-01T00:00:00Z'], [{ key: 'a', label: 'a', values: [1] }], BOX);
    expect(single.xs).toEqual([100]);
  });

  it('scales percentages to 100 and counts to a round maximum', () => {
    expect(layoutChart(['a'], [{ key: 'p', label: 'p', values: [50] }], BOX, 100).series[0]!.points[0]!.y).toBe(50);
    expect(layoutChart(['a'], [{ key: 'c', label: 'c', values: [7] }], BOX).yMax).toBe(8);
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(100)).toEqual([0, 50, 100]);
    expect(niceTicks(0)).toEqual([0, 1]);
    // Counts: whole-number ticks only.
    expect(layoutChart(['a'], [{ key: 'c', label: 'c', values: [2] }], BOX).yTicks.map((tick) => tick.value)).toEqual([0, 1, 2]);
    expect(niceTicks(2)).toEqual([0, 0.5, 1, 1.5, 2]);
  });

  it('keeps the runs of the span, counted back from the newest run', () => {
    const points = [
      { id: 1, started_at: '2025-01-01T00:00:00Z' },
      { id: 2, started_at: '2026-03-01T00:00:00Z' },
      { id: 3, started_at: '2026-04-20T00:00:00Z' },
      { id: 4, started_at: '2026-05-01T00:00:00Z' },
    ];
    expect(pointsInSpan(points, '30d').map((point) => point.id)).toEqual([3, 4]);
    expect(pointsInSpan(points, '90d').map((point) => point.id)).toEqual([2, 3, 4]);
    expect(pointsInSpan(points, '1y').map((point) => point.id)).toEqual([2, 3, 4]);
    expect(pointsInSpan(points, 'all')).toHaveLength(4);
    expect(pointsInSpan([], '7d')).toEqual([]);
  });
});
